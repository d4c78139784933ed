package org.exchangeai.app.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.exchangeai.app.store.Workspace;

/**
 * Runs jobs in the background with their state kept in the workspace database. Two queues:
 * {@link Queue#IO} for imports and predictions, {@link Queue#TRAINING} for training, each one
 * job at a time, so one training run owns the CPU and the others wait their turn. After a
 * restart, jobs the previous process left queued or running are marked interrupted, with why.
 */
public final class JobRunner implements AutoCloseable {

    /** Which queue a job waits in. */
    public enum Queue { IO, TRAINING }

    private final Workspace ws;
    private final Map<Queue, ExecutorService> executors = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> cancelRequests = new ConcurrentHashMap<>();
    private volatile boolean closing;
    private final Map<Long, List<String>> logs = new ConcurrentHashMap<>();
    private final Map<Long, Queue> queues = new ConcurrentHashMap<>();
    private final List<Consumer<JobInfo>> listeners = new CopyOnWriteArrayList<>();

    public JobRunner(Workspace ws) throws SQLException {
        this.ws = ws;
        for (Queue q : Queue.values()) {
            executors.put(q, Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "jobs-" + q.name().toLowerCase(java.util.Locale.ROOT));
                t.setDaemon(true);
                return t;
            }));
        }
        recoverAfterRestart();
    }

    private void recoverAfterRestart() throws SQLException {
        ws.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE job SET state = ?, message = ?, finished = ? WHERE state IN ('RUNNING', 'QUEUED')")) {
                ps.setString(1, JobState.INTERRUPTED.name());
                ps.setString(2, "interrupted: the server stopped before this job finished; its completed work is kept");
                ps.setString(3, Instant.now().toString());
                return ps.executeUpdate();
            }
        });
    }

    /** Listens to every state or progress change (for Server-Sent Events). */
    public void addListener(Consumer<JobInfo> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<JobInfo> listener) {
        listeners.remove(listener);
    }

    /** Stores a queued job and schedules it; returns its id. */
    public long submit(String kind, String title, String paramsJson, Queue queue, Job job) throws SQLException {
        long id = ws.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO job(kind, title, state, params, created, owner) VALUES (?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, kind);
                ps.setString(2, title);
                ps.setString(3, JobState.QUEUED.name());
                ps.setString(4, paramsJson);
                ps.setString(5, Instant.now().toString());
                ps.setString(6, org.exchangeai.app.store.Viewer.current().map(org.exchangeai.app.store.Viewer::name).orElse(null));
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        queues.put(id, queue);
        logs.put(id, new CopyOnWriteArrayList<>());
        notifyChange(id);
        // the job runs for the account that started it: what it creates is that account's, what it reads is limited alike
        org.exchangeai.app.store.Viewer owner = org.exchangeai.app.store.Viewer.current().orElse(null);
        executors.get(queue).submit(() -> {
            org.exchangeai.app.store.Viewer.set(owner);
            try {
                execute(id, job);
            } finally {
                org.exchangeai.app.store.Viewer.set(null);
            }
        });
        return id;
    }

    private void execute(long id, Job job) {
        if (closing) {
            return;
        }
        if (Boolean.TRUE.equals(cancelRequests.get(id))) {
            finish(id, JobState.CANCELLED, "cancelled before it started");
            return;
        }
        update(id, "UPDATE job SET state = 'RUNNING', started = ? WHERE id = ?", Instant.now().toString());
        Context ctx = new Context(id);
        try {
            job.run(ctx);
            if (closing) {
                finish(id, JobState.INTERRUPTED, "interrupted: the server stopped before this job finished; its completed work is kept");
            } else if (ctx.cancelled()) {
                finish(id, JobState.CANCELLED, "cancelled by the user; work completed before that is kept");
            } else {
                setProgress(id, 1.0, ctx.lastMessage == null ? "done" : ctx.lastMessage);
                finish(id, JobState.DONE, ctx.lastMessage == null ? "done" : ctx.lastMessage);
            }
        } catch (Exception | Error e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            ctx.log("failed: " + msg);
            finish(id, closing ? JobState.INTERRUPTED : JobState.FAILED, closing ? "interrupted: the server stopped (" + msg + ")" : msg);
        }
    }

    /** Asks a job to stop; a queued job will not start, a running one stops at its next check. */
    public boolean cancel(long id) throws SQLException {
        Optional<JobInfo> j = get(id);
        if (j.isEmpty() || j.get().state().finished()) {
            return false;
        }
        cancelRequests.put(id, true);
        return true;
    }

    /**
     * Deletes a finished job's row and log (its results stay where they were stored: models, recordings).
     * A comparison keeps its candidate, without the job.
     *
     * @return false when there is no such job or it has not finished yet
     */
    public boolean delete(long id) throws SQLException {
        Optional<JobInfo> j = get(id);
        if (j.isEmpty() || !j.get().state().finished()) {
            return false;
        }
        ws.transaction(c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement("UPDATE comparison_candidate SET job_id = NULL WHERE job_id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            try (java.sql.PreparedStatement ps = c.prepareStatement("DELETE FROM job WHERE id = ?")) {
                ps.setLong(1, id);
                return ps.executeUpdate();
            }
        });
        logs.remove(id);
        cancelRequests.remove(id);
        queues.remove(id);
        return true;
    }

    /** A job, if the current viewer may see it (in server mode: its own, or any for an admin). */
    public Optional<JobInfo> get(long id) throws SQLException {
        List<JobInfo> l = query("SELECT * FROM job WHERE id = " + id + visible(" AND "));
        return l.stream().findFirst();
    }

    public List<JobInfo> recent(int limit) throws SQLException {
        return query("SELECT * FROM job" + visible(" WHERE ") + " ORDER BY id DESC LIMIT " + Math.max(1, limit));
    }

    /** Whether {@code viewer} (null: unrestricted) may see job {@code id}. */
    public boolean visibleTo(long id, org.exchangeai.app.store.Viewer viewer) throws SQLException {
        if (viewer == null || viewer.admin()) {
            return true;
        }
        return !query("SELECT * FROM job WHERE id = " + id + " AND owner = '" + viewer.name() + "'").isEmpty();
    }

    // account names are restricted to [A-Za-z0-9._-] (Viewer.NAME), so the literal is safe
    private static String visible(String joiner) {
        return org.exchangeai.app.store.Viewer.current().filter(v -> !v.admin())
                .map(v -> joiner + "owner = '" + v.name() + "'").orElse("");
    }

    /** Jobs ahead of {@code id} in its queue (0 when it runs or is next). */
    public int positionInQueue(long id) throws SQLException {
        Queue q = queues.get(id);
        if (q == null) {
            return 0;
        }
        int ahead = 0;
        for (JobInfo j : query("SELECT * FROM job WHERE state IN ('QUEUED','RUNNING') AND id < " + id)) {
            if (queues.get(j.id()) == q) {
                ahead++;
            }
        }
        return ahead;
    }

    public List<String> log(long id) {
        return List.copyOf(logs.getOrDefault(id, List.of()));
    }

    private List<JobInfo> query(String sql) throws SQLException {
        try (Connection c = ws.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<JobInfo> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new JobInfo(rs.getLong("id"), rs.getString("kind"), rs.getString("title"),
                        JobState.valueOf(rs.getString("state")), rs.getDouble("progress"), rs.getString("message"),
                        rs.getString("params"), rs.getString("result"), rs.getString("created"), rs.getString("started"),
                        rs.getString("finished")));
            }
            return out;
        }
    }

    private void finish(long id, JobState state, String message) {
        update(id, "UPDATE job SET state = ?, message = ?, finished = ? WHERE id = ?", state.name(), message,
                Instant.now().toString());
        cancelRequests.remove(id);
    }

    private void setProgress(long id, double fraction, String message) {
        update(id, "UPDATE job SET progress = ?, message = ? WHERE id = ?", Math.max(0, Math.min(1, fraction)), message);
    }

    private void update(long id, String sql, Object... args) {
        try {
            ws.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < args.length; i++) {
                        ps.setObject(i + 1, args[i]);
                    }
                    ps.setLong(args.length + 1, id);
                    return ps.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the state of job " + id + ": " + e.getMessage(), e);
        }
        notifyChange(id);
    }

    private void notifyChange(long id) {
        try {
            get(id).ifPresent(info -> listeners.forEach(l -> l.accept(info)));
        } catch (SQLException ignored) {
            // listeners see the next change
        }
    }

    private final class Context implements JobContext {
        private final long id;
        private volatile String lastMessage;
        private long lastWrite;

        Context(long id) {
            this.id = id;
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public void progress(double fraction, String message) {
            lastMessage = message;
            long now = System.nanoTime();
            // at most ~20 database writes per second per job
            if (now - lastWrite > 50_000_000L || fraction >= 1) {
                lastWrite = now;
                setProgress(id, fraction, message);
            }
        }

        @Override
        public void log(String line) {
            logs.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(Instant.now().toString().substring(11, 19) + " " + line);
        }

        @Override
        public boolean cancelled() {
            return closing || Boolean.TRUE.equals(cancelRequests.get(id));
        }

        @Override
        public void result(String json) {
            update(id, "UPDATE job SET result = ? WHERE id = ?", json);
        }
    }

    /** Stops: queued jobs do not start, running ones are asked to stop at their next check (as on cancel). */
    @Override
    public void close() {
        closing = true;
        for (ExecutorService e : executors.values()) {
            e.shutdownNow();
        }
        for (ExecutorService e : executors.values()) {
            try {
                e.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
