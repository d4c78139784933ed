package org.exchangeai.app.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The accounts of server mode ({@code account} table): name, role and the password's hash only,
 * plus the count of failed sign-ins since the last success and the time a lock ends.
 */
public final class Accounts {

    /** What an account may do: admins manage users, exchanges and built-in models and see everything. */
    public enum Role {
        ADMIN, RESEARCHER;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One account as stored; {@code lockedUntil} is null when not locked. */
    public record Account(String name, Role role, String passwordHash, String created, int failures, Instant lockedUntil) {
        public boolean admin() {
            return role == Role.ADMIN;
        }

        public boolean locked(Instant now) {
            return lockedUntil != null && now.isBefore(lockedUntil);
        }
    }

    /** Failed sign-ins in a row that lock an account. */
    public static final int MAX_FAILURES = 5;
    /** How long a locked account stays locked. */
    public static final Duration LOCK = Duration.ofMinutes(15);

    private final Workspace ws;

    public Accounts(Workspace ws) {
        this.ws = ws;
    }

    /** Adds an account; the hash is made by the caller ({@code security.PasswordHash}). */
    public void add(String name, Role role, String passwordHash) throws SQLException {
        new Viewer(name, false); // validates the name
        ws.transaction(c -> {
            if (find(c, name).isPresent()) {
                throw new IllegalArgumentException("an account named '" + name + "' already exists");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO account(name, role, password_hash, created) VALUES (?,?,?,?)")) {
                ps.setString(1, name);
                ps.setString(2, role.label());
                ps.setString(3, passwordHash);
                ps.setString(4, Instant.now().toString());
                return ps.executeUpdate();
            }
        });
    }

    public void setPassword(String name, String passwordHash) throws SQLException {
        change(name, "UPDATE account SET password_hash = ?, failures = 0, locked_until = NULL WHERE name = ?", passwordHash);
    }

    public void remove(String name) throws SQLException {
        change(name, "DELETE FROM account WHERE name = ?");
    }

    /** Clears the failure count and any lock. */
    public void unlock(String name) throws SQLException {
        change(name, "UPDATE account SET failures = 0, locked_until = NULL WHERE name = ?");
    }

    /** Runs {@code sql} with {@code values} and then the name as parameters; no such account is an error. */
    private void change(String name, String sql, String... values) throws SQLException {
        int n = ws.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    ps.setString(i + 1, values[i]);
                }
                ps.setString(values.length + 1, name);
                return ps.executeUpdate();
            }
        });
        if (n == 0) {
            throw new IllegalArgumentException("there is no account named '" + name + "'");
        }
    }

    public Optional<Account> get(String name) throws SQLException {
        try (Connection c = ws.connect()) {
            return find(c, name);
        }
    }

    public List<Account> list() throws SQLException {
        try (Connection c = ws.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT name, role, password_hash, created, failures, locked_until FROM account ORDER BY name")) {
            return read(ps);
        }
    }

    public boolean any() throws SQLException {
        return !list().isEmpty();
    }

    /** Records a failed sign-in; the {@value #MAX_FAILURES}th in a row locks the account for {@link #LOCK}. */
    public void failed(String name, Instant now) throws SQLException {
        ws.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE account SET failures = failures + 1,
                      locked_until = CASE WHEN failures + 1 >= ? THEN ? ELSE locked_until END
                    WHERE name = ?""")) {
                ps.setInt(1, MAX_FAILURES);
                ps.setString(2, now.plus(LOCK).toString());
                ps.setString(3, name);
                return ps.executeUpdate();
            }
        });
    }

    /** Records a successful sign-in: the failure count starts again. */
    public void succeeded(String name) throws SQLException {
        ws.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE account SET failures = 0, locked_until = NULL WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate();
            }
        });
    }

    private static Optional<Account> find(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name, role, password_hash, created, failures, locked_until FROM account WHERE name = ?")) {
            ps.setString(1, name);
            return read(ps).stream().findFirst();
        }
    }

    private static List<Account> read(PreparedStatement ps) throws SQLException {
        List<Account> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String locked = rs.getString(6);
                out.add(new Account(rs.getString(1), Role.valueOf(rs.getString(2).toUpperCase(java.util.Locale.ROOT)),
                        rs.getString(3), rs.getString(4), rs.getInt(5), locked == null ? null : Instant.parse(locked)));
            }
        }
        return out;
    }
}
