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
