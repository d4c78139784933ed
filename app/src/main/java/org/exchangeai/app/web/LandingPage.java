package org.exchangeai.app.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;
import org.exchangeai.app.store.Datasets.Dataset;

/** What the platform does, the state of the workspace, and where to start. */
public final class LandingPage implements Page {

    /** What the landing template shows. */
    public record Model(int datasets, int recordings, int failed, long activeJobs, String workspace) {
    }

    private final Services s;

    public LandingPage(Services s) {
        this.s = s;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/", this::show);
    }

    private void show(Context ctx) throws Exception {
        int recordings = 0;
        int failed = 0;
        var list = s.datasets().list();
        for (Dataset d : list) {
            recordings += d.recordings();
            failed += d.failed();
        }
        long active = s.jobs().recent(200).stream().filter(j -> !j.state().finished()).count();
        Templates.html(ctx, "landing.jte", Map.of("model",
                new Model(list.size(), recordings, failed, active, s.workspace().dir().toString())));
    }
}
