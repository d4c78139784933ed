package org.exchangeai.app.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit trail ({@code audit} table): who did what to which dataset, recording or model, when and
 * from where. Rows are only ever added; triggers in the database refuse updates and deletions.
 */
public final class AuditLog {

    /** One entry; {@code account} is null in the single-user local mode. */
    public record Entry(long id, String at, String account, String address, String action, String target, String outcome) {
    }

    private final Workspace ws;

    public AuditLog(Workspace ws) {
        this.ws = ws;
    }

    public void record(String account, String address, String action, String target, String outcome) throws SQLException {
        ws.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO audit(at, account, address, action, target, outcome) VALUES (?,?,?,?,?,?)")) {
                ps.setString(1, Instant.now().toString());
                ps.setString(2, account);
                ps.setString(3, address);
                ps.setString(4, action);
                ps.setString(5, target);
                ps.setString(6, outcome);
                return ps.executeUpdate();
            }
        });
    }

    /** The newest {@code limit} entries, newest first. */
    public List<Entry> recent(int limit) throws SQLException {
        return query("SELECT id, at, account, address, action, target, outcome FROM audit ORDER BY id DESC LIMIT "
                + Math.max(1, limit));
    }

    /** Every entry, oldest first. */
    public List<Entry> all() throws SQLException {
        return query("SELECT id, at, account, address, action, target, outcome FROM audit ORDER BY id");
    }

    private List<Entry> query(String sql) throws SQLException {
        try (Connection c = ws.connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            List<Entry> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7)));
            }
            return out;
        }
    }

    /** The entries as CSV ({@code id,at,account,address,action,target,outcome}), cells quoted where needed. */
    public static String csv(List<Entry> entries) {
        StringBuilder sb = new StringBuilder("id,at,account,address,action,target,outcome\n");
        for (Entry e : entries) {
            sb.append(e.id()).append(',').append(cell(e.at())).append(',').append(cell(e.account())).append(',')
                    .append(cell(e.address())).append(',').append(cell(e.action())).append(',').append(cell(e.target()))
                    .append(',').append(cell(e.outcome())).append('\n');
        }
        return sb.toString();
    }

    private static String cell(String s) {
        if (s == null) {
            return "";
        }
        // a leading =, +, - or @ would be a formula in a spreadsheet
        String v = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
