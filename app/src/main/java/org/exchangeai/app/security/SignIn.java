package org.exchangeai.app.security;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.exchangeai.app.store.Accounts;
import org.exchangeai.app.store.Viewer;

/**
 * Checks a name and password: accounts lock after {@link Accounts#MAX_FAILURES} failures in a row,
 * and one address may fail at most {@link #ADDRESS_FAILURES} times in {@link #WINDOW} whatever the
 * names it tries.
 */
public final class SignIn {

    /** The outcome of an attempt; {@code viewer} is set on success only. */
    public record Result(Viewer viewer, String outcome) {
        public boolean ok() {
            return viewer != null;
        }
    }

    static final int ADDRESS_FAILURES = 20;
    static final Duration WINDOW = Duration.ofMinutes(15);

    private final Accounts accounts;
    private final Map<String, Deque<Instant>> failuresByAddress = new ConcurrentHashMap<>();

    public SignIn(Accounts accounts) {
        this.accounts = accounts;
    }

    public Result attempt(String name, char[] password, String address, Instant now) throws SQLException {
        if (tooManyFrom(address, now)) {
            return new Result(null, "refused: too many failed sign-ins from this address");
        }
        Optional<Accounts.Account> a = name == null || !Viewer.NAME.matcher(name).matches() ? Optional.empty() : accounts.get(name);
        if (a.isEmpty()) {
            PasswordHash.dummyVerify(password);
            failed(address, now);
            return new Result(null, "failed: no such account");
        }
        if (a.get().locked(now)) {
            PasswordHash.dummyVerify(password);
            failed(address, now);
            return new Result(null, "refused: account locked until " + a.get().lockedUntil());
        }
        if (!PasswordHash.verify(password, a.get().passwordHash())) {
            accounts.failed(name, now);
            failed(address, now);
            return new Result(null, "failed: wrong password (" + (a.get().failures() + 1) + " in a row)");
        }
        accounts.succeeded(name);
        return new Result(new Viewer(name, a.get().admin()), "ok");
    }

    private boolean tooManyFrom(String address, Instant now) {
        Deque<Instant> d = failuresByAddress.get(address);
        if (d == null) {
            return false;
        }
        synchronized (d) {
            while (!d.isEmpty() && d.peekFirst().isBefore(now.minus(WINDOW))) {
                d.pollFirst();
            }
            return d.size() >= ADDRESS_FAILURES;
        }
    }

    private void failed(String address, Instant now) {
        Deque<Instant> d = failuresByAddress.computeIfAbsent(address, k -> new ArrayDeque<>());
        synchronized (d) {
            d.addLast(now);
        }
    }
}
