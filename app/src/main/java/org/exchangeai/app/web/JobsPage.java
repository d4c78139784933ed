package org.exchangeai.app.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.exchangeai.app.jobs.JobInfo;
import org.exchangeai.app.store.Viewer;

/** Every job, its progress (pushed with Server-Sent Events) and cancellation. */
public final class JobsPage implements Page {

    private final Services s;
    private final ConcurrentLinkedQueue<SseClient> clients = new ConcurrentLinkedQueue<>();
    // the account each stream belongs to (server mode): it hears of its own jobs only
    private final Map<SseClient, Viewer> viewers = new java.util.concurrent.ConcurrentHashMap<>();

    public JobsPage(Services s) {
        this.s = s;
        Consumer<JobInfo> push = this::broadcast;
        s.jobs().addListener(push);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/jobs", ctx -> Templates.html(ctx, "jobs.jte", Map.of("jobs", s.jobs().recent(50))));
        routes.get("/jobs/list", ctx -> Templates.html(ctx, "partials/jobs.jte", Map.of("jobs", s.jobs().recent(50))));
        routes.post("/jobs/{id}/cancel", ctx -> {
            long id = jobId(ctx);
            if (s.jobs().get(id).isEmpty()) {
                ctx.status(404).result("There is no job " + id + ".");
                return;
            }
            boolean ok = s.jobs().cancel(id);
            ctx.status(ok ? 202 : 409).result(ok ? "cancelling" : "the job has already finished");
        });
        routes.post("/jobs/{id}/delete", ctx -> {
            long id = jobId(ctx);
            if (!"yes".equals(ctx.formParam("confirm"))) {
                ctx.status(400).result("Confirm the removal of job " + id + " first.");
                return;
            }
            boolean ok = s.jobs().delete(id);
            ctx.status(ok ? 200 : 409).result(ok ? "" : "Job " + id + " is still queued or running (cancel it first), "
                    + "or there is no such job.");
        });
        routes.get("/api/jobs/{id}", ctx -> {
            var job = s.jobs().get(jobId(ctx));
            if (job.isEmpty()) {
                ctx.status(404).result("There is no job " + ctx.pathParam("id") + ".");
                return;
            }
            ctx.json(Map.of("job", job.get(), "log", s.jobs().log(job.get().id()),
                    "queuePosition", s.jobs().positionInQueue(job.get().id())));
        });
        routes.sse("/events/jobs", client -> {
            client.keepAlive();
            client.onClose(() -> {
                clients.remove(client);
                viewers.remove(client);
            });
            Viewer.current().ifPresent(v -> viewers.put(client, v));
            clients.add(client);
        });
    }

    /** The job id of the address; a word that is not a number names no job. */
    static long jobId(Context ctx) {
        String raw = ctx.pathParam("id");
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new NotFoundResponse("There is no job '" + RequestSafety.printable(raw)
                    + "': job ids are numbers, as in /api/jobs/12.");
        }
    }

    private void broadcast(JobInfo info) {
        String data = "{\"id\":" + info.id() + ",\"state\":\"" + info.state().label() + "\",\"progress\":" + info.progress()
                + ",\"message\":" + quote(info.message()) + "}";
        for (SseClient c : clients) {
            try {
                if (!s.jobs().visibleTo(info.id(), viewers.get(c))) {
                    continue;
                }
                c.sendEvent("job", data);
            } catch (java.sql.SQLException e) {
                // cannot tell whose job it is: leave this stream without the update
            } catch (RuntimeException e) {
                clients.remove(c);
            }
        }
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
