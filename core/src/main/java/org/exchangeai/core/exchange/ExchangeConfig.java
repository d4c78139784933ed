package org.exchangeai.core.exchange;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How to reach one exchange: its name (used for local folders and messages), the WebDAV folder URL,
 * and the credentials. {@link #toString()} and every message built from a config name the exchange
 * and its URL, never the password; a URL given with {@code user:password@} has that part moved into
 * the credentials.
 */
public final class ExchangeConfig {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private final String name;
    private final URI url;
    private final String username;
    private final String password;
    private final Duration timeout;

    private ExchangeConfig(String name, URI url, String username, String password, Duration timeout) {
        this.name = name;
        this.url = url;
        this.username = username;
        this.password = password;
        this.timeout = timeout;
    }

    /**
     * @param name     lower-case letters, digits, '_' and '-'
     * @param url      http(s) URL of the WebDAV folder that holds the models
     * @param username may be null for an open share
     * @param password may be null
     */
    public static ExchangeConfig of(String name, String url, String username, String password) throws ExchangeException {
        return of(name, url, username, password, Duration.ofSeconds(60));
    }

    public static ExchangeConfig of(String name, String url, String username, String password, Duration timeout)
            throws ExchangeException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ExchangeException(ExchangeException.Kind.CONFIGURATION, "exchange name '" + name
                    + "' is not valid: use lower-case letters, digits, '_' and '-' (at most 64)");
        }
        if (url == null || url.isBlank()) {
            throw new ExchangeException(ExchangeException.Kind.CONFIGURATION, "the exchange '" + name + "' has no URL");
        }
        URI u;
        try {
            u = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new ExchangeException(ExchangeException.Kind.CONFIGURATION, "the exchange '" + name
                    + "' has an unreadable URL (" + e.getReason() + ")");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
            throw new ExchangeException(ExchangeException.Kind.CONFIGURATION, "the exchange '" + name
                    + "' needs an http:// or https:// URL with a host");
        }
        String user = blankToNull(username);
        String pass = password == null || password.isEmpty() ? null : password;
        if (u.getRawUserInfo() != null) {
            String[] parts = u.getUserInfo().split(":", 2);
            if (user == null) {
                user = blankToNull(parts[0]);
            }
            if (pass == null && parts.length == 2) {
                pass = parts[1];
            }
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        if (!path.endsWith("/")) {
            path = path + "/";
        }
        try {
            u = new URI(scheme + "://" + hostPort(u) + path);
        } catch (URISyntaxException e) {
            throw new ExchangeException(ExchangeException.Kind.CONFIGURATION, "the exchange '" + name
                    + "' has an unreadable URL (" + e.getReason() + ")");
        }
        return new ExchangeConfig(name, u, user, pass, timeout);
    }

    private static String hostPort(URI u) {
        String host = u.getHost().contains(":") && !u.getHost().startsWith("[") ? "[" + u.getHost() + "]" : u.getHost();
        return u.getPort() < 0 ? host : host + ":" + u.getPort();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    public String name() {
        return name;
    }

    /** The folder URL, always ending in '/', without any user information. */
    public URI url() {
        return url;
    }

    public String username() {
        return username;
    }

    /** The password, for the HTTP client only; never put it in a message. */
    public String password() {
        return password;
    }

    public boolean hasCredentials() {
        return username != null;
    }

    /** Connect and read timeout. */
    public Duration timeout() {
        return timeout;
    }

    /** The port requests go to: the URL's, else 80 for http and 443 for https. */
    public int port() {
        return url.getPort() >= 0 ? url.getPort() : url.getScheme().equals("https") ? 443 : 80;
    }

    /**
     * Scheme, host and port: what a password is bound to. A password entered for one origin is
     * never sent to another.
     */
    public String origin() {
        return origin(url);
    }

    /** The origin of an http(s) URL, {@code scheme://host:port} with the default port written out. */
    public static String origin(URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        int port = u.getPort() >= 0 ? u.getPort() : scheme.equals("https") ? 443 : 80;
        String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + ":" + port;
    }

    /**
     * The address the URL's host names when it is this machine (loopback), a link-local address
     * (169.254.x.x, fe80::, cloud metadata services) or the unspecified address, else {@code null}.
     * Requests to such addresses reach local services, so an exchange there needs the user's
     * explicit confirmation. A host that does not resolve is not local.
     */
    public String localAddress() {
        String host = url.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) {
                if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()) {
                    return a.getHostAddress();
                }
            }
        } catch (java.net.UnknownHostException e) {
            return null;
        }
        return null;
    }

    /** True when the URL is plain http to a host other than this machine (credentials and models travel unencrypted). */
    public boolean isInsecure() {
        if (!url.getScheme().equals("http")) {
            return false;
        }
        String h = url.getHost();
        return !(h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1"));
    }

    /** Shorter passwords are masked only where they stand as credentials (URL user info, {@code password=}). */
    static final int MIN_TOKEN_MASK = 4;

    /**
     * Masks the password where it stands as a whole word in {@code text} (a last guard for messages built
     * from server answers). Letters inside other words are never touched: masking them would corrupt the
     * message and show which letters the password has.
     */
    public String redact(String text) {
        if (text == null || password == null || password.isEmpty()) {
            return text;
        }
        String q = java.util.regex.Pattern.quote(password);
        // credentials in a URL (user:password@) or a key=value pair are masked whatever their length
        String out = text.replaceAll("(?<=://[^/\\s:@]{0,256}:)" + q + "(?=@)", "****")
                .replaceAll("(?i)(?<=password[=:] ?)" + q + "(?![\\w])", "****");
        if (password.length() >= MIN_TOKEN_MASK) {
            out = out.replaceAll("(?<![\\w])" + q + "(?![\\w])", "****");
        }
        return out;
    }

    /** Name, URL and user name; the password is never shown. */
    @Override
    public String toString() {
        return "exchange '" + name + "' at " + url + (username == null ? "" : " as " + username)
                + (password == null ? "" : " (password set)");
    }
}
