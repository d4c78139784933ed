package org.exchangeai.app.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Comparisons: several candidate models trained on one dataset with one split and the same options,
 * each candidate a training job of its own. The set is written before any job starts, so a
 * restart still shows which candidates belonged together.
 */
public final class Comparisons {

    /** One comparison; {@code config} is the shared training options as JSON. */
    public record Comparison(long id, long datasetId, String title, String config, String created) {
    }

    /** A candidate; {@code key} says what trains (e.g. {@code zoo:cardx}, {@code model:3:head}); no job until submitted. */
    public record Candidate(int position, String key, String label, Long jobId) {
    }

    private final Workspace ws;

    public Comparisons(Workspace ws) {
        this.ws = ws;
    }

    /** Stores a comparison with its candidates (keys and labels in order) and returns its id. */
    public long create(long datasetId, String title, String configJson, List<String[]> keysAndLabels) throws SQLException {
        return ws.transaction(c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO comparison(dataset_id, title, config, created) VALUES (?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, datasetId);
                ps.setString(2, title);
                ps.setString(3, configJson);
                ps.setString(4, Instant.now().toString());
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO comparison_candidate(comparison_id, position, candidate, label) VALUES (?,?,?,?)")) {
                for (int i = 0; i < keysAndLabels.size(); i++) {
                    ps.setLong(1, id);
                    ps.setInt(2, i);
                    ps.setString(3, keysAndLabels.get(i)[0]);
                    ps.setString(4, keysAndLabels.get(i)[1]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return id;
        });
    }

    public void setJob(long comparisonId, int position, long jobId) throws SQLException {
        ws.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE comparison_candidate SET job_id = ? WHERE comparison_id = ? AND position = ?")) {
                ps.setLong(1, jobId);
                ps.setLong(2, comparisonId);
                ps.setInt(3, position);
                return ps.executeUpdate();
            }
        });
    }

    public Optional<Comparison> get(long id) throws SQLException {
        return query("SELECT * FROM comparison WHERE id = ?", id).stream().findFirst();
    }

    /** The latest comparisons first. */
    public List<Comparison> recent(int limit) throws SQLException {
        return query("SELECT * FROM comparison ORDER BY id DESC LIMIT ?", (long) Math.max(1, limit));
    }

    public List<Candidate> candidates(long comparisonId) throws SQLException {
        try (Connection c = ws.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM comparison_candidate WHERE comparison_id = ? ORDER BY position")) {
            ps.setLong(1, comparisonId);
            List<Candidate> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long job = rs.getLong("job_id");
                    out.add(new Candidate(rs.getInt("position"), rs.getString("candidate"), rs.getString("label"),
                            rs.wasNull() ? null : job));
                }
            }
            return out;
        }
    }

    private List<Comparison> query(String sql, long arg) throws SQLException {
        try (Connection c = ws.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, arg);
            List<Comparison> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Comparison(rs.getLong("id"), rs.getLong("dataset_id"), rs.getString("title"),
                            rs.getString("config"), rs.getString("created")));
                }
            }
            return out;
        }
    }
}
