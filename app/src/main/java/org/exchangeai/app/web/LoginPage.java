package org.exchangeai.app.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.exchangeai.app.security.AuditTrail;
import org.exchangeai.app.security.Guard;
import org.exchangeai.app.security.SignIn;
import org.exchangeai.app.security.Sessions;

/** {@code /login} and {@code /logout} of server mode. */
public final class LoginPage implements Page {

    private final Guard guard;
    private final Sessions sessions;
    private final SignIn signIn;
    private final AuditTrail audit;

    public LoginPage(Guard guard, Sessions sessions, SignIn signIn, AuditTrail audit) {
        this.guard = guard;
        this.sessions = sessions;
        this.signIn = signIn;
        this.audit = audit;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/login", ctx -> {
            if (!guard.accounts()) {
                ctx.redirect("/");
                return;
            }
            show(ctx, null);
        });
        routes.post("/login", this::login);
        routes.post("/logout", this::logout);
    }

    private void show(Context ctx, String error) {
        Map<String, Object> p = new HashMap<>();
        p.put("next", safeNext(ctx.queryParam("next") != null ? ctx.queryParam("next") : ctx.formParam("next")));
        p.put("error", error);
        p.put("idleMinutes", sessions.idle().toMinutes());
        Templates.html(ctx, "login.jte", p);
    }

    private void login(Context ctx) throws Exception {
        if (!guard.accounts()) {
            ctx.redirect("/");
            return;
        }
        String name = ctx.formParam("name");
        String pw = ctx.formParam("password");
        char[] password = pw == null ? new char[0] : pw.toCharArray();
        SignIn.Result r = signIn.attempt(name, password, ctx.ip(), Instant.now());
        java.util.Arrays.fill(password, '\0');
        String tried = name == null ? null : name.replaceAll("[^A-Za-z0-9._-]", "?");
        audit.writeFor(tried, ctx, "sign in", r.outcome());
        if (!r.ok()) {
            ctx.status(401);
            show(ctx, "Wrong name or password, or the account is locked (after " + org.exchangeai.app.store.Accounts.MAX_FAILURES
                    + " failures in a row an account is locked for " + org.exchangeai.app.store.Accounts.LOCK.toMinutes()
                    + " minutes).");
            return;
        }
        Sessions.Session s = sessions.signIn(Guard.currentSession(), r.viewer(), Instant.now());
        guard.startSession(ctx, s);
        ctx.redirect(safeNext(ctx.formParam("next")));
    }

    private void logout(Context ctx) {
        audit.write(ctx, "sign out", null, "ok");
        sessions.end(Guard.currentSession());
        guard.endSession(ctx);
        ctx.redirect(guard.accounts() ? "/login" : "/");
    }

    /** Only a path on this server: no scheme, no "//host". */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.contains("\r")
                || next.contains("\n")) {
            return "/";
        }
        return next;
    }
}
