package org.exchangeai.app.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Versioned schema changes, applied in order, each in its own transaction. */
final class Migrations {

    private static final List<String[]> STEPS = List.<String[]>of(
            new String[] {
                """
                CREATE TABLE dataset (
                  id INTEGER PRIMARY KEY,
                  name TEXT NOT NULL UNIQUE,
                  created TEXT NOT NULL
                )""",
                """
                CREATE TABLE recording (
                  id INTEGER PRIMARY KEY,
                  dataset_id INTEGER NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,
                  name TEXT NOT NULL,
                  status TEXT NOT NULL,
                  error TEXT,
                  format TEXT,
                  leads TEXT,
                  fs REAL,
                  samples INTEGER,
                  signal_sha TEXT,
                  original_sha TEXT,
                  info TEXT,
                  created TEXT NOT NULL,
                  UNIQUE (dataset_id, name)
                )""",
                """
                CREATE TABLE label (
                  dataset_id INTEGER NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,
                  file_name TEXT NOT NULL,
                  label TEXT NOT NULL,
                  icd10 TEXT,
                  PRIMARY KEY (dataset_id, file_name)
                )""",
                """
                CREATE TABLE model (
                  id INTEGER PRIMARY KEY,
                  name TEXT NOT NULL,
                  source TEXT NOT NULL,
                  sha256 TEXT NOT NULL,
                  size INTEGER NOT NULL,
                  card TEXT,
                  offer_predict INTEGER NOT NULL DEFAULT 1,
                  offer_finetune INTEGER NOT NULL DEFAULT 1,
                  created TEXT NOT NULL
                )""",
                """
                CREATE TABLE job (
                  id INTEGER PRIMARY KEY,
                  kind TEXT NOT NULL,
                  title TEXT NOT NULL,
                  state TEXT NOT NULL,
                  progress REAL NOT NULL DEFAULT 0,
                  message TEXT,
                  params TEXT,
                  result TEXT,
                  created TEXT NOT NULL,
                  started TEXT,
                  finished TEXT
                )""",
                "CREATE INDEX recording_dataset ON recording(dataset_id, name)"
            },
            // the viewer's analysis of a stored signal, kept as a JSON file in the store
            new String[] {
                """
                CREATE TABLE analysis (
                  signal_sha TEXT PRIMARY KEY,
                  version INTEGER NOT NULL,
                  blob_sha TEXT NOT NULL,
                  created TEXT NOT NULL
                )"""
            },
            // candidates trained on one split and ranked side by side
            new String[] {
                """
                CREATE TABLE comparison (
                  id INTEGER PRIMARY KEY,
                  dataset_id INTEGER NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,
                  title TEXT NOT NULL,
                  config TEXT NOT NULL,
                  created TEXT NOT NULL
                )""",
                """
                CREATE TABLE comparison_candidate (
                  comparison_id INTEGER NOT NULL REFERENCES comparison(id) ON DELETE CASCADE,
                  position INTEGER NOT NULL,
                  candidate TEXT NOT NULL,
                  label TEXT NOT NULL,
                  job_id INTEGER REFERENCES job(id),
                  PRIMARY KEY (comparison_id, position)
                )"""
            },
            // server mode: accounts, owners and shares, and the append-only audit trail
            new String[] {
                """
                CREATE TABLE account (
                  name TEXT PRIMARY KEY,
                  role TEXT NOT NULL CHECK (role IN ('admin', 'researcher')),
                  password_hash TEXT NOT NULL,
                  created TEXT NOT NULL,
                  failures INTEGER NOT NULL DEFAULT 0,
                  locked_until TEXT
                )""",
                "ALTER TABLE dataset ADD COLUMN owner TEXT",
                "ALTER TABLE model ADD COLUMN owner TEXT",
                "ALTER TABLE job ADD COLUMN owner TEXT",
                """
                CREATE TABLE dataset_share (
                  dataset_id INTEGER NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,
                  account TEXT NOT NULL,
                  PRIMARY KEY (dataset_id, account)
                )""",
                """
                CREATE TABLE audit (
                  id INTEGER PRIMARY KEY,
                  at TEXT NOT NULL,
                  account TEXT,
                  address TEXT,
                  action TEXT NOT NULL,
                  target TEXT,
                  outcome TEXT
                )""",
                "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
                "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            });

    private Migrations() {
    }

    static void apply(Connection c) throws SQLException {
        int version;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            version = rs.next() ? rs.getInt(1) : 0;
        }
        for (int v = version; v < STEPS.size(); v++) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : STEPS.get(v)) {
                    s.execute(sql);
                }
                s.execute("PRAGMA user_version = " + (v + 1));
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw new SQLException("schema migration " + (v + 1) + " failed: " + e.getMessage(), e);
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    static int latest() {
        return STEPS.size();
    }
}
