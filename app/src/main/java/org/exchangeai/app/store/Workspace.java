package org.exchangeai.app.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The user's workspace folder: {@code workspace.db} (SQLite) for datasets, recordings, labels,
 * models and jobs, and a content-addressed {@link FileStore} beside it. One instance per folder
 * and process; connections are opened per use so that threads never share one.
 */
public final class Workspace implements AutoCloseable {

    private final Path dir;
    private final String url;
    private final FileStore files;
    private final Connection keepAlive;

    private Workspace(Path dir, Connection keepAlive) {
        this.dir = dir;
        this.url = "jdbc:sqlite:" + dir.resolve("workspace.db");
        this.files = new FileStore(dir.resolve("objects"), dir.resolve("tmp"));
        this.keepAlive = keepAlive;
    }

    /** Opens (creating when needed) the workspace in {@code dir} and brings its schema up to date. */
    public static Workspace open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.createDirectories(dir.resolve("objects"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve("uploads"));
        Files.createDirectories(dir.resolve("models"));
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("workspace.db"));
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
            }
            Migrations.apply(c);
            Workspace ws = new Workspace(dir, c);
            ws.files.cleanTemporary();
            ws.files.countUsage();
            ws.collectGarbage();
            return ws;
        } catch (SQLException e) {
            throw new IOException("cannot open the workspace database in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    public FileStore files() {
        return files;
    }

    /** A new connection with foreign keys on and a busy timeout; the caller closes it. */
    public Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA foreign_keys=ON");
            s.execute("PRAGMA busy_timeout=10000");
            // a per-connection setting: with WAL, commits survive a killed process without an fsync
            // each; a power cut can lose the last commits but never corrupts the database
            s.execute("PRAGMA synchronous=NORMAL");
        }
        return c;
    }

    /** Runs {@code work} in one transaction: all of it is stored, or none of it. */
    public <T> T transaction(SqlWork<T> work) throws SQLException {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Removes the stored objects among {@code candidates} that no row refers to any more (a
     * signal, an original, an analysis; an analysis of a signal that is gone goes too). The caller
     * holds the file store's clean-up lock.
     *
     * @return the bytes freed
     */
    long release(java.util.Set<String> candidates) throws SQLException, IOException {
        java.util.Set<String> gone = new java.util.HashSet<>();
        java.util.Set<String> all = new java.util.HashSet<>(candidates);
        transaction(c -> {
            for (String sha : candidates) {
                if (!referencedByRecording(c, sha)) {
                    try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT blob_sha FROM analysis WHERE signal_sha = ?")) {
                        ps.setString(1, sha);
                        try (java.sql.ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                all.add(rs.getString(1));
                            }
                        }
                    }
                    try (java.sql.PreparedStatement ps = c.prepareStatement("DELETE FROM analysis WHERE signal_sha = ?")) {
                        ps.setString(1, sha);
                        ps.executeUpdate();
                    }
                }
            }
            for (String sha : all) {
                if (!referencedByRecording(c, sha) && !referencedByAnalysis(c, sha)) {
                    gone.add(sha);
                }
            }
            return null;
        });
        long freed = 0;
        for (String sha : gone) {
            freed += files.delete(sha);
        }
        return freed;
    }

    private static boolean referencedByRecording(Connection c, String sha) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM recording WHERE signal_sha = ? OR original_sha = ? LIMIT 1")) {
            ps.setString(1, sha);
            ps.setString(2, sha);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean referencedByAnalysis(Connection c, String sha) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT 1 FROM analysis WHERE blob_sha = ? LIMIT 1")) {
            ps.setString(1, sha);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Removes every stored object no row refers to (left by a crash between storing and
     * referencing, or by a clean-up that was interrupted); run at open, before any job.
     *
     * @return the bytes freed
     */
    public long collectGarbage() throws SQLException, IOException {
        java.util.concurrent.locks.Lock lock = files.cleaning();
        lock.lock();
        try {
            java.util.Set<String> referenced = new java.util.HashSet<>();
            try (Connection c = connect(); Statement s = c.createStatement();
                    java.sql.ResultSet rs = s.executeQuery("SELECT signal_sha FROM recording UNION SELECT original_sha "
                            + "FROM recording UNION SELECT blob_sha FROM analysis")) {
                while (rs.next()) {
                    referenced.add(rs.getString(1));
                }
            }
            long freed = 0;
            for (String sha : files.all()) {
                if (!referenced.contains(sha)) {
                    freed += files.delete(sha);
                }
            }
            return freed;
        } finally {
            lock.unlock();
        }
    }

    /** Work on one connection inside a transaction. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    @Override
    public void close() {
        try {
            keepAlive.close();
        } catch (SQLException ignored) {
            // closing on shutdown; nothing to recover
        }
    }
}
