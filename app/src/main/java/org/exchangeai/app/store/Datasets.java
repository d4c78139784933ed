package org.exchangeai.app.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Datasets, their recordings and labels in the workspace database. */
public final class Datasets {

    /** A named collection of recordings. */
    public record Dataset(long id, String name, String created, int recordings, int failed, int labelled) {
    }

    /**
     * One imported file: read ({@code status = ok}, with its stored signal) or not ({@code error}).
     *
     * @param info JSON summary (units, warnings, derived leads, device measurements)
     */
    public record Recording(long id, long datasetId, String name, String status, String error, String format,
            String leads, Double fs, Integer samples, String signalSha, String originalSha, String info) {
        public boolean ok() {
            return "ok".equals(status);
        }

        public double durationSeconds() {
            return fs == null || samples == null ? 0 : samples / fs;
        }
    }

    /** One row of a label table. */
    public record Label(String fileName, String label, String icd10) {
    }

    private final Workspace ws;

    public Datasets(Workspace ws) {
        this.ws = ws;
    }

    public Dataset create(String name) throws SQLException {
        String clean = name == null ? "" : name.strip();
        if (clean.isEmpty() || clean.length() > 100) {
            throw new IllegalArgumentException("a dataset name needs 1 to 100 characters");
        }
        return ws.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dataset(name, created, owner) VALUES (?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, clean);
                ps.setString(2, Instant.now().toString());
                ps.setString(3, Viewer.ownerForNew());
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return new Dataset(rs.getLong(1), clean, Instant.now().toString(), 0, 0, 0);
                }
            } catch (SQLException e) {
                if (e.getMessage() != null && e.getMessage().contains("UNIQUE")) {
                    throw new IllegalArgumentException("a dataset named '" + clean + "' already exists");
                }
                throw e;
            }
        });
    }

    /** The datasets the current {@link Viewer} may see: all of them, or in server mode its own and those shared with it. */
    public List<Dataset> list() throws SQLException {
        String who = Viewer.restricted();
        String sql = """
                SELECT d.id, d.name, d.created,
                  (SELECT COUNT(*) FROM recording r WHERE r.dataset_id = d.id AND r.status = 'ok'),
                  (SELECT COUNT(*) FROM recording r WHERE r.dataset_id = d.id AND r.status <> 'ok'),
                  (SELECT COUNT(*) FROM label l WHERE l.dataset_id = d.id)
                FROM dataset d""" + (who == null ? "" : " WHERE d.owner = ? OR EXISTS"
                        + " (SELECT 1 FROM dataset_share s WHERE s.dataset_id = d.id AND s.account = ?)")
                + " ORDER BY d.id";
        try (Connection c = ws.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            if (who != null) {
                s.setString(1, who);
                s.setString(2, who);
            }
            return readDatasets(s);
        }
    }

    private static List<Dataset> readDatasets(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            List<Dataset> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Dataset(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5), rs.getInt(6)));
            }
            return out;
        }
    }

    public Optional<Dataset> get(long id) throws SQLException {
        return list().stream().filter(d -> d.id() == id).findFirst();
    }

    /** The account owning a dataset ({@code null} when made in local mode), if the viewer may see it. */
    public Optional<String> owner(long id) throws SQLException {
        if (get(id).isEmpty()) {
            return Optional.empty();
        }
        try (Connection c = ws.connect(); PreparedStatement ps = c.prepareStatement("SELECT owner FROM dataset WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Whether the current {@link Viewer} may change a dataset: unrestricted viewers always, researchers their own. */
    public boolean mayChange(long id) throws SQLException {
        String who = Viewer.restricted();
        return who == null || who.equals(owner(id).orElse(null));
    }

    /** The accounts a dataset is shared with. */
    public List<String> sharedWith(long id) throws SQLException {
        try (Connection c = ws.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT account FROM dataset_share WHERE dataset_id = ? ORDER BY account")) {
            ps.setLong(1, id);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    /** Shares a dataset with an account ({@code shared}) or stops sharing it. */
    public void share(long id, String account, boolean shared) throws SQLException {
        ws.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(shared
                    ? "INSERT OR IGNORE INTO dataset_share(dataset_id, account) VALUES (?, ?)"
                    : "DELETE FROM dataset_share WHERE dataset_id = ? AND account = ?")) {
                ps.setLong(1, id);
                ps.setString(2, account);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Deletes a dataset with its recordings, labels and comparisons, and removes the stored files
     * (signals, originals, analyses) no other row refers to.
     *
     * @return the bytes freed on disk
     */
    public long delete(long id) throws SQLException, java.io.IOException {
        return deleteRows("SELECT signal_sha, original_sha FROM recording WHERE dataset_id = ?",
                "DELETE FROM dataset WHERE id = ?", id);
    }

    /** Deletes one recording row and the stored files no other row refers to; returns the bytes freed. */
    public long deleteRecording(long id) throws SQLException, java.io.IOException {
        return deleteRows("SELECT signal_sha, original_sha FROM recording WHERE id = ?",
                "DELETE FROM recording WHERE id = ?", id);
    }

    private long deleteRows(String objectsSql, String deleteSql, long id) throws SQLException, java.io.IOException {
        java.util.concurrent.locks.Lock lock = ws.files().cleaning();
        lock.lock();
        try {
            java.util.Set<String> candidates = ws.transaction(c -> {
                java.util.Set<String> shas = new java.util.HashSet<>();
                try (PreparedStatement ps = c.prepareStatement(objectsSql)) {
                    ps.setLong(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            for (int i = 1; i <= 2; i++) {
                                if (rs.getString(i) != null) {
                                    shas.add(rs.getString(i));
                                }
                            }
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(deleteSql)) {
                    ps.setLong(1, id);
                    ps.executeUpdate();
                }
                return shas;
            });
            return ws.release(candidates);
        } finally {
            lock.unlock();
        }
    }

    /** Adds or replaces a recording of a dataset (same name replaces), in one transaction. */
    public long putRecording(long datasetId, String name, String status, String error, String format, String leads,
            Double fs, Integer samples, String signalSha, String originalSha, String info) throws SQLException {
        return ws.transaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM recording WHERE dataset_id = ? AND name = ?")) {
                del.setLong(1, datasetId);
                del.setString(2, name);
                del.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO recording(dataset_id, name, status, error, format, leads, fs, samples, signal_sha,
                      original_sha, info, created) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""", Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, datasetId);
                ps.setString(2, name);
                ps.setString(3, status);
                ps.setString(4, error);
                ps.setString(5, format);
                ps.setString(6, leads);
                ps.setObject(7, fs);
                ps.setObject(8, samples);
                ps.setString(9, signalSha);
                ps.setString(10, originalSha);
                ps.setString(11, info);
                ps.setString(12, Instant.now().toString());
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static final String RECORDING_COLUMNS =
            "id, dataset_id, name, status, error, format, leads, fs, samples, signal_sha, original_sha, info";

    public List<Recording> recordings(long datasetId) throws SQLException {
        try (Connection c = ws.connect();
                PreparedStatement ps = c.prepareStatement("SELECT " + RECORDING_COLUMNS
                        + " FROM recording WHERE dataset_id = ? ORDER BY name")) {
            ps.setLong(1, datasetId);
            return readRecordings(ps);
        }
    }

    /** A recording, if the current {@link Viewer} may see its dataset. */
    public Optional<Recording> recording(long id) throws SQLException {
        Optional<Recording> r;
        try (Connection c = ws.connect();
                PreparedStatement ps = c.prepareStatement("SELECT " + RECORDING_COLUMNS + " FROM recording WHERE id = ?")) {
            ps.setLong(1, id);
            r = readRecordings(ps).stream().findFirst();
        }
        if (r.isPresent() && Viewer.restricted() != null && get(r.get().datasetId()).isEmpty()) {
            return Optional.empty();
        }
        return r;
    }

    /** The readable recordings before and after {@code id} in its dataset's order (for ← / →). */
    public long[] neighbours(Recording r) throws SQLException {
        List<Recording> all = recordings(r.datasetId()).stream().filter(Recording::ok).toList();
        long prev = -1;
        long next = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).id() == r.id()) {
                prev = i > 0 ? all.get(i - 1).id() : -1;
                next = i + 1 < all.size() ? all.get(i + 1).id() : -1;
            }
        }
        return new long[] {prev, next};
    }

    private static List<Recording> readRecordings(PreparedStatement ps) throws SQLException {
        List<Recording> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Recording(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), (Double) rs.getObject(8) == null ? null : rs.getDouble(8),
                        rs.getObject(9) == null ? null : rs.getInt(9), rs.getString(10), rs.getString(11), rs.getString(12)));
            }
        }
        return out;
    }

    /** Replaces the dataset's labels with {@code labels}, in one transaction. */
    public void putLabels(long datasetId, List<Label> labels) throws SQLException {
        ws.transaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM label WHERE dataset_id = ?")) {
                del.setLong(1, datasetId);
                del.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT OR REPLACE INTO label(dataset_id, file_name, label, icd10) VALUES (?,?,?,?)")) {
                for (Label l : labels) {
                    ps.setLong(1, datasetId);
                    ps.setString(2, l.fileName());
                    ps.setString(3, l.label());
                    ps.setString(4, l.icd10());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Adds labels to the dataset's table; a row for a file already labelled replaces it. */
    public void addLabels(long datasetId, List<Label> labels) throws SQLException {
        ws.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT OR REPLACE INTO label(dataset_id, file_name, label, icd10) VALUES (?,?,?,?)")) {
                for (Label l : labels) {
                    ps.setLong(1, datasetId);
                    ps.setString(2, l.fileName());
                    ps.setString(3, l.label());
                    ps.setString(4, l.icd10());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    public List<Label> labels(long datasetId) throws SQLException {
        try (Connection c = ws.connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT file_name, label, icd10 FROM label WHERE dataset_id = ? ORDER BY file_name")) {
            ps.setLong(1, datasetId);
            List<Label> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Label(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            return out;
        }
    }

    /** Label counts, multi-labels ({@code a|b}) counted per label, largest first. */
    public Map<String, Integer> labelHistogram(long datasetId) throws SQLException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Label l : labels(datasetId)) {
            for (String part : l.label().split("\\|")) {
                if (!part.isBlank()) {
                    counts.merge(part.strip(), 1, Integer::sum);
                }
            }
        }
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
