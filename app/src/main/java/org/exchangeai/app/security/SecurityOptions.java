package org.exchangeai.app.security;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the web server protects itself: accounts (server mode) or one local user, the host names it
 * answers to besides its own address and {@code localhost}, the public URL behind a reverse proxy, TLS.
 *
 * @param accounts     sign-in required (server mode)
 * @param extraHosts   further host names or addresses the server is reached by
 * @param publicUrl    the address users type (e.g. behind a reverse proxy), or {@code null}
 * @param tls          certificate and key for HTTPS, or {@code null}
 * @param sessionIdle  idle time after which a session ends
 */
public record SecurityOptions(boolean accounts, List<String> extraHosts, URI publicUrl, Tls tls, Duration sessionIdle) {

    /** Idle time of a signed-in session. */
    public static final Duration SERVER_IDLE = Duration.ofMinutes(30);
    /** Local mode has no sign-in; the session only carries the request token, so it may live long. */
    public static final Duration LOCAL_IDLE = Duration.ofHours(24);

    /** HTTPS material: a PKCS#12 keystore, or a PEM certificate chain and PKCS#8 key. */
    public record Tls(Path keystore, Path certificate, Path key, char[] password) {
    }

    public SecurityOptions {
        extraHosts = List.copyOf(extraHosts);
        if (publicUrl != null && (publicUrl.getHost() == null
                || !("http".equals(publicUrl.getScheme()) || "https".equals(publicUrl.getScheme())))) {
            throw new IllegalArgumentException("--public-url needs an http or https URL with a host name: " + publicUrl);
        }
    }

    /** The defaults for a bind address: accounts unless only this machine can connect. */
    public static SecurityOptions forBinding(String host) {
        boolean local = isLoopback(host);
        return new SecurityOptions(!local, List.of(), null, null, local ? LOCAL_IDLE : SERVER_IDLE);
    }

    /** Whether only this machine can reach {@code host} (127.0.0.0/8, ::1, localhost). */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            // literals only: a name is not resolved here
            return looksLikeAddress(h) && InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static boolean looksLikeAddress(String h) {
        return h.matches("[0-9.]+") || h.contains(":");
    }
}
