package org.exchangeai.app.security;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code Host} names the server answers to. A DNS-rebinding page reaches the server under the
 * attacker's own name, so a request whose Host is not one of these is refused.
 */
public final class HostPolicy {

    private final Set<String> allowed;

    private HostPolicy(Set<String> allowed) {
        this.allowed = Collections.unmodifiableSet(allowed);
    }

    /** Loopback names, the bound address, the public URL's host, extra names and, for a wildcard bind, this machine's addresses. */
    public static HostPolicy of(String boundHost, SecurityOptions options) {
        Set<String> s = new TreeSet<>();
        s.add("localhost");
        s.add("127.0.0.1");
        s.add("[::1]");
        String bound = normalise(boundHost);
        boolean wildcard = bound.equals("0.0.0.0") || bound.equals("[::]") || bound.equals("[0:0:0:0:0:0:0:0]") || bound.isEmpty();
        if (!wildcard) {
            s.add(bound);
        } else {
            // IP literals cannot be rebound by a foreign DNS name, so the machine's own addresses are safe to accept
            try {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                        s.add(normalise(a.getHostAddress().replaceAll("%.*$", "")));
                    }
                }
            } catch (SocketException e) {
                // no interface list: only the configured names are accepted
            }
        }
        if (options.publicUrl() != null) {
            s.add(normalise(options.publicUrl().getHost()));
        }
        for (String h : options.extraHosts()) {
            s.add(normalise(h));
        }
        return new HostPolicy(s);
    }

    /** Whether a request's {@code Host} header (name and optional port) names this server. */
    public boolean allows(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        String h = hostHeader.strip();
        String name;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) {
                return false;
            }
            name = h.substring(0, end + 1);
        } else {
            int colon = h.lastIndexOf(':');
            name = colon >= 0 ? h.substring(0, colon) : h;
        }
        return allowed.contains(normalise(name));
    }

    public Set<String> names() {
        return allowed;
    }

    private static String normalise(String host) {
        if (host == null) {
            return "";
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        return h;
    }
}
