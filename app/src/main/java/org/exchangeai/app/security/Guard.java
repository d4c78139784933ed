package org.exchangeai.app.security;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.time.Instant;
import java.util.Set;
import org.exchangeai.app.store.Accounts;
import org.exchangeai.app.store.Viewer;

/**
 * Runs before every request: refuses foreign {@code Host} names (DNS rebinding), refuses
 * state-changing requests from other origins or without the session's token (cross-site request
 * forgery), asks for sign-in in server mode, keeps admin pages to admins and sets the security
 * headers. The page templates read the request's token and account through {@link #csrfToken()}
 * and {@link #viewer()}.
 */
public final class Guard {

    public static final String COOKIE = "exchangeai_session";
    public static final String TOKEN_FIELD = "_csrf";
    public static final String TOKEN_HEADER = "X-CSRF-Token";

    /** No inline script anywhere: scripts come from this server's files only. */
    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private static final Set<HandlerType> SAFE = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);
    private static final ThreadLocal<Sessions.Session> CURRENT = new ThreadLocal<>();

    private final HostPolicy hosts;
    private final SecurityOptions options;
    private final Sessions sessions;
    private final boolean secureCookie;
    private final Accounts accounts;
    private final AuditTrail audit;

    public Guard(HostPolicy hosts, SecurityOptions options, Sessions sessions, Accounts accounts, AuditTrail audit) {
        this.audit = audit;
        this.hosts = hosts;
        this.options = options;
        this.sessions = sessions;
        this.accounts = accounts;
        this.secureCookie = options.tls() != null
                || (options.publicUrl() != null && "https".equals(options.publicUrl().getScheme()));
    }

    /** The request token of the session the current request belongs to (for the page's meta tag). */
    public static String csrfToken() {
        Sessions.Session s = CURRENT.get();
        return s == null ? "" : s.csrfToken();
    }

    /** The signed-in account of the current request, or {@code null} (local mode, or not signed in). */
    public static Viewer viewer() {
        Sessions.Session s = CURRENT.get();
        return s == null ? null : s.viewer();
    }

    /** The session of the current request. */
    public static Sessions.Session currentSession() {
        return CURRENT.get();
    }

    /** Makes {@code s} the browser's session (after sign-in). */
    public void startSession(Context ctx, Sessions.Session s) {
        setCookie(ctx, s);
        CURRENT.set(s);
        Viewer.set(s.viewer());
    }

    /** Forgets the browser's session (after sign-out). */
    public void endSession(Context ctx) {
        clearCookie(ctx);
        CURRENT.remove();
        Viewer.set(null);
    }

    public boolean accounts() {
        return options.accounts();
    }

    public void register(RoutesConfig routes) {
        routes.before(this::before);
    }

    /** Clears the per-request state; registered as the last after-handler. */
    public void registerCleanup(RoutesConfig routes) {
        routes.after(ctx -> {
            CURRENT.remove();
            Viewer.set(null);
        });
    }

    private void before(Context ctx) {
        CURRENT.remove();
        Viewer.set(null);
        headers(ctx);
        if (!hosts.allows(ctx.header("Host"))) {
            refuse(ctx, 421, "Unknown host name",
                    "This server does not answer to the name " + quoteHost(ctx.header("Host")) + ". Open it by its own address"
                            + " (for example http://localhost) or ask the administrator to add the name with --public-url.");
            return;
        }
        Instant now = Instant.now();
        Sessions.Session s = sessions.find(ctx.cookie(COOKIE), now);
        if (s != null && s.viewer() != null && !stillValid(s.viewer())) {
            sessions.end(s);
            s = null;
        }
        if (s == null) {
            s = sessions.create(now);
            setCookie(ctx, s);
        }
        CURRENT.set(s);
        Viewer.set(s.viewer());
        if (!SAFE.contains(ctx.method())) {
            String problem = crossSiteProblem(ctx, s);
            if (problem != null) {
                audit.write(ctx, "refused " + ctx.method().name() + " (cross-site check)", ctx.path(),
                        "refused (403): origin " + String.valueOf(ctx.header("Origin")).replaceAll("[^\\x20-\\x7e]", "?"));
                refuse(ctx, 403, "Request refused", problem);
                return;
            }
        }
        String path = ctx.path();
        if (options.accounts() && s.viewer() == null && !publicPath(path)) {
            if (ctx.method() == HandlerType.GET && !path.startsWith("/api/") && !path.startsWith("/events/")) {
                ctx.redirect("/login?next=" + java.net.URLEncoder.encode(localTarget(ctx), java.nio.charset.StandardCharsets.UTF_8));
                ctx.skipRemainingHandlers();
            } else {
                refuse(ctx, 401, "Sign-in needed", "Sign in first: /login");
            }
            return;
        }
        if (adminOnly(ctx) && s.viewer() != null && !s.viewer().admin()) {
            audit.write(ctx, "refused " + ctx.method().name() + " (administrators only)", ctx.path(), "refused (403)");
            refuse(ctx, 403, "Administrators only", "Only an administrator may do this.");
        }
    }

    /** An account removed or demoted since sign-in loses its session at once. */
    private boolean stillValid(Viewer v) {
        try {
            return accounts.get(v.name()).map(a -> a.admin() == v.admin()).orElse(false);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    /** Why a state-changing request is refused, or {@code null} when it comes from this server's own page. */
    String crossSiteProblem(Context ctx, Sessions.Session s) {
        String origin = ctx.header("Origin");
        String source = origin != null && !origin.equals("null") ? origin : originOf(ctx.header("Referer"));
        if (source == null) {
            return "The request did not say which page it came from (no Origin or Referer header), so it is refused."
                    + " Submit the form from this server's own page.";
        }
        if (!sameOrigin(ctx, source)) {
            return "The request came from another site (" + source + "); only this server's own pages may change data.";
        }
        String token = ctx.header(TOKEN_HEADER);
        if (token == null) {
            token = ctx.formParam(TOKEN_FIELD);
        }
        if (!s.tokenMatches(token)) {
            return "The page's security token is missing or out of date (the server may have restarted or the session"
                    + " expired). Reload the page and try again.";
        }
        return null;
    }

    private boolean sameOrigin(Context ctx, String source) {
        String own = ctx.scheme() + "://" + ctx.header("Host");
        if (source.equalsIgnoreCase(own)) {
            return true;
        }
        URI pub = options.publicUrl();
        if (pub != null) {
            String p = pub.getScheme() + "://" + pub.getHost() + (pub.getPort() < 0 ? "" : ":" + pub.getPort());
            return source.equalsIgnoreCase(p);
        }
        return false;
    }

    private static String originOf(String referer) {
        if (referer == null) {
            return null;
        }
        try {
            URI u = URI.create(referer);
            if (u.getScheme() == null || u.getHost() == null) {
                return null;
            }
            return u.getScheme() + "://" + u.getRawAuthority().replaceFirst("^[^@]*@", "");
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean publicPath(String path) {
        return path.equals("/login") || path.startsWith("/static/") || path.startsWith("/webjars/");
    }

    private static boolean adminOnly(Context ctx) {
        String p = ctx.path();
        return p.equals("/admin") || p.startsWith("/admin/")
                || (ctx.method() == HandlerType.POST && p.equals("/exchange/configure"));
    }

    private static String localTarget(Context ctx) {
        String q = ctx.queryString();
        return ctx.path() + (q == null ? "" : "?" + q);
    }

    void setCookie(Context ctx, Sessions.Session s) {
        ctx.header("Set-Cookie", COOKIE + "=" + s.id() + "; Path=/; HttpOnly; SameSite=Strict" + (secureCookie ? "; Secure" : ""));
    }

    void clearCookie(Context ctx) {
        ctx.header("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secureCookie ? "; Secure" : ""));
    }

    private void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        if (options.tls() != null) {
            ctx.header("Strict-Transport-Security", "max-age=31536000");
        }
    }

    private static String quoteHost(String h) {
        return h == null ? "(none)" : "'" + h.replaceAll("[^A-Za-z0-9.:\\[\\]_-]", "?") + "'";
    }

    /** Ends the request with a short page saying why. */
    static void refuse(Context ctx, int status, String title, String message) {
        ctx.status(status).contentType("text/html; charset=utf-8").result("<!DOCTYPE html><html lang=\"en\"><head>"
                + "<meta charset=\"utf-8\"><title>" + escape(title) + " · ExChanGeAI</title>"
                + "<link rel=\"stylesheet\" href=\"/static/css/app.css\"></head><body><main class=\"panel\"><h1>"
                + escape(title) + "</h1><p id=\"refusal\">" + escape(message) + "</p><p><a href=\"/\">Home</a></p></main></body></html>");
        ctx.skipRemainingHandlers();
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
