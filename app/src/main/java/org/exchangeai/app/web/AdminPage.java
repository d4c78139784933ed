package org.exchangeai.app.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;
import org.exchangeai.app.security.Guard;
import org.exchangeai.app.security.PasswordHash;
import org.exchangeai.app.security.Sessions;
import org.exchangeai.app.store.Accounts;
import org.exchangeai.app.store.AuditLog;

/**
 * {@code /admin}: the accounts (add, unlock, remove) and the audit trail with its CSV export. The
 * guard lets only administrators in; in local mode there are no accounts and only the trail is shown.
 */
public final class AdminPage implements Page {

    private final Accounts accounts;
    private final AuditLog audit;
    private final Sessions sessions;
    private final Guard guard;

    public AdminPage(Accounts accounts, AuditLog audit, Sessions sessions, Guard guard) {
        this.accounts = accounts;
        this.audit = audit;
        this.sessions = sessions;
        this.guard = guard;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/admin", ctx -> show(ctx, null, null));
        routes.get("/admin/audit.csv", ctx -> ctx.contentType("text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"audit.csv\"").result(AuditLog.csv(audit.all())));
        routes.post("/admin/users", this::add);
        routes.post("/admin/users/{name}/unlock", ctx -> change(ctx, "unlocked"));
        routes.post("/admin/users/{name}/remove", ctx -> change(ctx, "removed"));
    }

    private void show(Context ctx, String notice, String error) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put("accounts", accounts.list());
        p.put("serverMode", guard.accounts());
        p.put("entries", audit.recent(500));
        p.put("notice", notice);
        p.put("error", error);
        Templates.html(ctx, "admin.jte", p);
    }

    private void add(Context ctx) throws Exception {
        String name = ctx.formParam("account");
        String pw = ctx.formParam("password");
        try {
            Accounts.Role role = "admin".equals(ctx.formParam("role")) ? Accounts.Role.ADMIN : Accounts.Role.RESEARCHER;
            accounts.add(name == null ? "" : name.strip(), role, PasswordHash.hash(pw == null ? new char[0] : pw.toCharArray()));
            show(ctx, "Account " + name.strip() + " added (" + role.label() + ").", null);
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            show(ctx, null, e.getMessage());
        }
    }

    private void change(Context ctx, String what) throws Exception {
        String name = ctx.pathParam("name");
        try {
            if (what.equals("removed")) {
                if (Guard.viewer() != null && Guard.viewer().name().equals(name)) {
                    throw new IllegalArgumentException("you cannot remove your own account");
                }
                accounts.remove(name);
                sessions.endAll(name);
            } else {
                accounts.unlock(name);
            }
            show(ctx, "Account " + name + " " + what + ".", null);
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            show(ctx, null, e.getMessage());
        }
    }
}
