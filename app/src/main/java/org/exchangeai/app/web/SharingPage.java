package org.exchangeai.app.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.util.HashMap;
import java.util.Map;
import org.exchangeai.app.security.Guard;
import org.exchangeai.app.store.Accounts;
import org.exchangeai.app.store.Viewer;

/**
 * Who may see a dataset, in server mode: the owner, the accounts it is shared with and the
 * administrators. Shown on the data page ({@code /data/{id}/sharing}); only the owner or an
 * administrator may change it. In local mode there is nothing to show.
 */
public final class SharingPage implements Page {

    private final Services s;
    private final Accounts accounts;
    private final Guard guard;

    public SharingPage(Services s, Accounts accounts, Guard guard) {
        this.s = s;
        this.accounts = accounts;
        this.guard = guard;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/data/{id}/sharing", ctx -> show(ctx, null));
        routes.post("/data/{id}/share", this::share);
    }

    private long dataset(Context ctx) throws Exception {
        long id = DataPage.id(ctx);
        if (s.datasets().get(id).isEmpty()) {
            throw new NotFoundResponse("no dataset " + id);
        }
        return id;
    }

    private void show(Context ctx, String error) throws Exception {
        long id = dataset(ctx);
        if (!guard.accounts()) {
            ctx.html("");
            return;
        }
        String owner = s.datasets().owner(id).orElse(null);
        Map<String, Object> p = new HashMap<>();
        p.put("id", id);
        p.put("owner", owner);
        p.put("shared", s.datasets().sharedWith(id));
        p.put("mayChange", mayChange(owner));
        p.put("error", error);
        Templates.html(ctx, "partials/sharing.jte", p);
    }

    private static boolean mayChange(String owner) {
        Viewer v = Guard.viewer();
        return v != null && (v.admin() || v.name().equals(owner));
    }

    private void share(Context ctx) throws Exception {
        long id = dataset(ctx);
        if (!guard.accounts() || !mayChange(s.datasets().owner(id).orElse(null))) {
            ctx.status(403).result("only the owner of the dataset or an administrator may change who sees it");
            return;
        }
        String account = ctx.formParam("account") == null ? "" : ctx.formParam("account").strip();
        boolean on = !"stop".equals(ctx.formParam("action"));
        if (on && accounts.get(account).isEmpty()) {
            ctx.status(400);
            show(ctx, "There is no account named '" + account + "'.");
            return;
        }
        s.datasets().share(id, account, on);
        ctx.redirect("/data/" + id);
    }
}
