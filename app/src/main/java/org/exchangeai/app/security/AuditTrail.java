package org.exchangeai.app.security;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.exchangeai.app.store.AuditLog;
import org.exchangeai.app.store.Viewer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an audit entry after each request that opens, exports, predicts on, changes or deletes a
 * dataset, recording or model: the route names the action, the path and a few form fields name the
 * object. Polling and static files are not audited; passwords and tokens never are.
 */
public final class AuditTrail {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

    /** GET routes that show or hand out data; every state-changing route is audited as well. */
    private static final Map<String, String> READS = new LinkedHashMap<>();

    static {
        READS.put("/data/{id}", "open dataset");
        READS.put("/data/{id}/export", "export dataset");
        READS.put("/analyse/{id}", "open recording");
        READS.put("/api/recordings/{id}/signal", "read recording");
        READS.put("/predict/{job}", "open prediction");
        READS.put("/predict/{job}/predictions.csv", "export predictions");
        READS.put("/api/predictions/{job}", "read predictions");
        READS.put("/models/{id}/download", "export model");
        READS.put("/finetune/{job}", "open training run");
        READS.put("/finetune/{job}/report.json", "export training report");
        READS.put("/compare/{id}/leaderboard.csv", "export leaderboard");
        READS.put("/admin/audit.csv", "export audit log");
    }

    /** Form fields that say which object a request was about. */
    private static final String[] FIELDS = {"dataset", "datasets", "model", "base", "name", "exchange", "version", "account"};

    private final AuditLog log;

    public AuditTrail(AuditLog log) {
        this.log = log;
    }

    public void register(RoutesConfig routes) {
        routes.after(this::after);
    }

    private void after(Context ctx) {
        Endpoint e = ctx.endpoints().matchedHttpEndpoint();
        if (e == null || ctx.status().getCode() == 421) {
            return;
        }
        String route = e.path;
        String method = ctx.method().name();
        String action;
        if (method.equals("GET") || method.equals("HEAD")) {
            action = READS.get(route);
            if (action == null) {
                return;
            }
        } else if (route.equals("/login")) {
            return; // the sign-in page records its own outcome, with the name tried
        } else {
            action = method + " " + route;
        }
        write(ctx, action, target(ctx), outcome(ctx));
    }

    /** Adds an entry for the current request (sign-in, sign-out, refusals). */
    public void write(Context ctx, String action, String target, String outcome) {
        Viewer v = Viewer.current().orElse(null);
        try {
            log.record(v == null ? null : v.name(), address(ctx), action, target, outcome);
        } catch (SQLException ex) {
            LOG.error("cannot write the audit entry '{}' on {}: {}", action, target, ex.getMessage());
        }
    }

    /** The account-less variant for a sign-in attempt, naming the account tried. */
    public void writeFor(String account, Context ctx, String action, String outcome) {
        try {
            log.record(account, address(ctx), action, null, outcome);
        } catch (SQLException ex) {
            LOG.error("cannot write the audit entry '{}': {}", action, ex.getMessage());
        }
    }

    private static String target(Context ctx) {
        StringJoiner j = new StringJoiner(" ");
        j.add(ctx.path());
        for (String f : FIELDS) {
            String v = null;
            try {
                v = ctx.formParam(f);
            } catch (RuntimeException ignored) {
                // a body that is not a form
            }
            if (v != null && !v.isBlank()) {
                j.add(f + "=" + (v.length() > 100 ? v.substring(0, 100) + "…" : v));
            }
        }
        return j.toString();
    }

    private static String outcome(Context ctx) {
        int code = ctx.status().getCode();
        return code < 400 ? "ok (" + code + ")" : "refused (" + code + ")";
    }

    /** The client's address; behind a reverse proxy on this machine, also the address it forwarded. */
    static String address(Context ctx) {
        String ip = ctx.ip();
        String fwd = ctx.header("X-Forwarded-For");
        if (fwd != null && SecurityOptions.isLoopback(ip)) {
            return ip + " for " + fwd.split(",")[0].strip();
        }
        return ip;
    }
}
