package org.exchangeai.app.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpResponseException;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every request goes through: changing requests from another site are refused (a page on
 * another site could otherwise post forms here, e.g. re-point an exchange), and every error a user
 * sees is a sentence about their request, never a Java message.
 */
final class RequestSafety {

    private static final System.Logger LOG = System.getLogger(RequestSafety.class.getName());
    private static final Pattern NUMBER_INPUT = Pattern.compile("For input string: \"(.*)\"");

    private RequestSafety() {
    }

    static void register(RoutesConfig routes) {
        routes.before(RequestSafety::refuseCrossSite);
        routes.exception(NumberFormatException.class, (e, ctx) -> ctx.status(400).result(notANumber(e)));
        routes.exception(IllegalArgumentException.class, (e, ctx) -> ctx.status(400).result(sentence(e.getMessage())));
        routes.exception(InvalidPathException.class, (e, ctx) -> ctx.status(400).result("The file name '"
                + printable(e.getInput()) + "' cannot be stored on this machine: " + e.getReason() + "."));
        routes.exception(Exception.class, RequestSafety::unexpected);
    }

    /** A changing request (not GET/HEAD/OPTIONS) whose Origin is another site is refused. */
    static void refuseCrossSite(Context ctx) {
        String method = ctx.method().name();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            return;
        }
        String site = ctx.header("Sec-Fetch-Site");
        String origin = ctx.header("Origin");
        boolean cross = "cross-site".equalsIgnoreCase(site) || "same-site".equalsIgnoreCase(site);
        if (!cross && origin != null) {
            cross = !sameHost(origin, ctx.header("Host"));
        }
        if (cross) {
            throw new ForbiddenResponse("This request came from another site (" + (origin == null ? "unknown" : origin)
                    + ") and was refused: forms of this platform can only be sent from its own pages.");
        }
    }

    static boolean sameHost(String origin, String host) {
        if (host == null || origin.equals("null")) {
            return false;
        }
        try {
            URI u = new URI(origin);
            if (u.getHost() == null) {
                return false;
            }
            String authority = u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
            String h = host.toLowerCase(Locale.ROOT);
            String a = authority.toLowerCase(Locale.ROOT);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            return a.equals(h) || (scheme.equals("http") && (a + ":80").equals(h))
                    || (scheme.equals("https") && (a + ":443").equals(h));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    static String notANumber(NumberFormatException e) {
        Matcher m = NUMBER_INPUT.matcher(e.getMessage() == null ? "" : e.getMessage());
        String input = m.matches() ? m.group(1) : null;
        return (input == null ? "A value" : "'" + printable(input) + "'")
                + " is not a number, but this address or form field needs one (an id or an amount).";
    }

    private static void unexpected(Exception e, Context ctx) {
        if (e instanceof HttpResponseException h) {
            ctx.status(h.getStatus()).result(h.getMessage());
            return;
        }
        if (isMalformedUpload(e)) {
            ctx.status(400).result("The upload could not be read: its multipart body is malformed or incomplete "
                    + "(it may have been cut off). Nothing of it was kept; send it again.");
            return;
        }
        LOG.log(System.Logger.Level.ERROR, "request " + ctx.method() + " " + ctx.path() + " failed", e);
        ctx.status(500).result("The server could not complete " + ctx.method() + " " + printable(ctx.path())
                + " because of an internal error; it has been logged. Your data is unchanged unless the page says otherwise.");
    }

    /** Multipart parsing failures of the servlet container, whatever class wraps them. */
    static boolean isMalformedUpload(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String n = t.getClass().getName();
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (n.contains("MultiPart") || n.contains("Multipart") || n.contains("BadMessage") || m.contains("multipart")
                    || m.contains("boundary") || n.equals("org.eclipse.jetty.io.EofException")) {
                return true;
            }
        }
        return false;
    }

    /** A message as a sentence: capitalised, ending in a full stop. */
    static String sentence(String message) {
        if (message == null || message.isBlank()) {
            return "The request could not be handled as sent.";
        }
        String m = message.strip();
        m = Character.toUpperCase(m.charAt(0)) + m.substring(1);
        return m.endsWith(".") || m.endsWith("?") || m.endsWith("!") ? m : m + ".";
    }

    /** Control characters shown as '?', and at most 200 characters. */
    static String printable(String s) {
        if (s == null) {
            return "";
        }
        String p = s.replaceAll("[\\p{Cntrl}]", "?");
        return p.length() > 200 ? p.substring(0, 200) + "…" : p;
    }
}
