package org.exchangeai.app.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The models the workspace knows: built-in ones (rows kept so that their list choices persist;
 * the file stays in the built-in folder) and the user's own, uploaded, downloaded or trained,
 * whose files live in the workspace's {@code models/} folder named by their SHA-256.
 */
public final class Models {

    /** Where a model came from. */
    public static final String BUILT_IN = "built-in";
    public static final String UPLOADED = "uploaded";
    public static final String DOWNLOADED = "downloaded";
    public static final String TRAINED = "trained";

    /**
     * One model row.
     *
     * @param card JSON summary of the model card (classes, rate, recipe, provenance, metrics)
     */
    public record Model(long id, String name, String source, String sha256, long size, String card, boolean offerPredict,
            boolean offerFinetune, String created) {
        public boolean builtIn() {
            return BUILT_IN.equals(source);
        }
    }

    private final Workspace ws;

    public Models(Workspace ws) {
        this.ws = ws;
    }

    /** The models the current {@link Viewer} may see: in server mode the built-in ones, its own and, for admins, all. */
    public List<Model> list() throws SQLException {
        return query("SELECT * FROM model" + visible(" WHERE ")
                + " ORDER BY CASE source WHEN 'built-in' THEN 0 ELSE 1 END, name, id", null);
    }

    public Optional<Model> get(long id) throws SQLException {
        return query("SELECT * FROM model WHERE id = ?" + visible(" AND "), id).stream().findFirst();
    }

    // account names are restricted to [A-Za-z0-9._-] (Viewer.NAME), so the literal is safe
    private static String visible(String joiner) {
        String who = Viewer.restricted();
        return who == null ? "" : joiner + "(source = 'built-in' OR owner = '" + who + "')";
    }

    public long add(String name, String source, String sha256, long size, String card) throws SQLException {
        return ws.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO model(name, source, sha256, size, card, created, owner) VALUES (?,?,?,?,?,?,?)""",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, name);
                ps.setString(2, source);
                ps.setString(3, sha256);
                ps.setLong(4, size);
                ps.setString(5, card);
                ps.setString(6, Instant.now().toString());
                ps.setString(7, BUILT_IN.equals(source) ? null : Viewer.ownerForNew());
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Updates what a built-in model's file now holds (the shipped file may change between versions). */
    public void updateFile(long id, String sha256, long size, String card) throws SQLException {
        execute("UPDATE model SET sha256 = ?, size = ?, card = ? WHERE id = ?", sha256, size, card, id);
    }

    public void setOffers(long id, boolean predict, boolean finetune) throws SQLException {
        execute("UPDATE model SET offer_predict = ?, offer_finetune = ? WHERE id = ?", predict ? 1 : 0, finetune ? 1 : 0, id);
    }

    /** Removes a user's model and its file (another row with the same content keeps the file). */
    public void delete(Model m) throws SQLException, IOException {
        if (m.builtIn()) {
            throw new IllegalArgumentException("built-in models cannot be deleted; untick them to hide them");
        }
        execute("DELETE FROM model WHERE id = ?", m.id());
        boolean shared = list().stream().anyMatch(o -> !o.builtIn() && o.sha256().equals(m.sha256()));
        if (!shared) {
            Files.deleteIfExists(userFile(m.sha256()));
        }
    }

    /** Where a user model's file is kept. */
    public Path userFile(String sha256) {
        return ws.dir().resolve("models").resolve(sha256 + ".onnx");
    }

    private void execute(String sql, Object... args) throws SQLException {
        ws.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    private List<Model> query(String sql, Long id) throws SQLException {
        try (Connection c = ws.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (id != null) {
                ps.setLong(1, id);
            }
            List<Model> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Model(rs.getLong("id"), rs.getString("name"), rs.getString("source"), rs.getString("sha256"),
                            rs.getLong("size"), rs.getString("card"), rs.getInt("offer_predict") != 0,
                            rs.getInt("offer_finetune") != 0, rs.getString("created")));
                }
            }
            return out;
        }
    }
}
