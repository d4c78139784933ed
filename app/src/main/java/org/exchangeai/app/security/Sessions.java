package org.exchangeai.app.security;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.exchangeai.app.store.Viewer;

/**
 * Browser sessions, in memory: a random id (the cookie), the synchronizer token that state-changing
 * requests must echo, and in server mode the signed-in account. Idle sessions expire; a server
 * restart ends all of them.
 */
public final class Sessions {

    /** One browser session. */
    public static final class Session {
        private final String id;
        private final String csrf;
        private final Viewer viewer;
        private volatile Instant lastSeen;

        private Session(String id, String csrf, Viewer viewer, Instant now) {
            this.id = id;
            this.csrf = csrf;
            this.viewer = viewer;
            this.lastSeen = now;
        }

        public String id() {
            return id;
        }

        public String csrfToken() {
            return csrf;
        }

        /** The signed-in account, or {@code null}. */
        public Viewer viewer() {
            return viewer;
        }

        /** Constant-time comparison with the token a request carried. */
        public boolean tokenMatches(String token) {
            return token != null && MessageDigest.isEqual(csrf.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    /** More sessions than this and the idle ones are dropped first (a flood of cookie-less requests). */
    private static final int MAX_SESSIONS = 20_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Duration idle;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public Sessions(Duration idle) {
        this.idle = idle;
    }

    public Duration idle() {
        return idle;
    }

    /** The live session with this id, its idle clock restarted, or {@code null}. */
    public Session find(String id, Instant now) {
        if (id == null) {
            return null;
        }
        Session s = sessions.get(id);
        if (s == null) {
            return null;
        }
        if (now.isAfter(s.lastSeen.plus(idle))) {
            sessions.remove(id);
            return null;
        }
        s.lastSeen = now;
        return s;
    }

    /** A new session without an account. */
    public Session create(Instant now) {
        return put(new Session(random(), random(), null, now));
    }

    /** Ends {@code old} and starts a new session for {@code viewer} (new id and token: no session fixation). */
    public Session signIn(Session old, Viewer viewer, Instant now) {
        if (old != null) {
            sessions.remove(old.id());
        }
        return put(new Session(random(), random(), viewer, now));
    }

    public void end(Session s) {
        if (s != null) {
            sessions.remove(s.id());
        }
    }

    /** Ends every session of an account (removed or its password changed). */
    public void endAll(String account) {
        sessions.values().removeIf(s -> s.viewer() != null && s.viewer().name().equals(account));
    }

    private Session put(Session s) {
        if (sessions.size() >= MAX_SESSIONS) {
            Instant cut = Instant.now().minus(idle);
            sessions.values().removeIf(x -> x.lastSeen.isBefore(cut) || x.viewer() == null);
        }
        sessions.put(s.id(), s);
        return s;
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
