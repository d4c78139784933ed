package org.exchangeai.app.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.exchangeai.app.jobs.JobInfo;
import org.exchangeai.app.jobs.JobState;
import org.exchangeai.app.store.Datasets.Dataset;

/** Models side by side on one labelled dataset: the evaluations of finished prediction runs. */
public final class ComparePage implements Page {

    /** The runs evaluated on the chosen dataset, and every class any of them reports. */
    public record View(List<Dataset> datasets, Dataset selected, List<PredictPage.Run> runs, List<String> classes) {
        public PredictPage.ClassRow classRow(PredictPage.Run run, String className) {
            return run.perClass().stream().filter(c -> c.name().equals(className)).findFirst().orElse(null);
        }
    }

    private final Services s;

    public ComparePage(Services s) {
        this.s = s;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/compare", this::show);
    }

    private void show(Context ctx) throws Exception {
        List<Dataset> all = s.datasets().list();
        Dataset selected = null;
        String want = ctx.queryParam("dataset");
        for (Dataset d : all) {
            if (want != null && want.equals(String.valueOf(d.id()))) {
                selected = d;
            }
        }
        List<PredictPage.Run> runs = new ArrayList<>();
        Set<String> classes = new LinkedHashSet<>();
        List<JobInfo> done = s.jobs().recent(500).stream()
                .filter(j -> PredictPage.KIND.equals(j.kind()) && j.state() == JobState.DONE && j.result() != null).toList();
        if (selected == null) {
            // the latest dataset with an evaluated run
            for (JobInfo j : done) {
                PredictPage.Run r = PredictPage.run(j, 0);
                if (r.evaluated()) {
                    selected = all.stream().filter(d -> d.name().equals(r.dataset())).findFirst().orElse(null);
                    break;
                }
            }
        }
        if (selected != null) {
            String marker = "\"dataset\":" + selected.id() + ",";
            for (JobInfo j : done) {
                if (j.params() != null && j.params().contains(marker)) {
                    PredictPage.Run r = PredictPage.run(j, 0);
                    if (r.evaluated()) {
                        runs.add(r);
                        r.perClass().forEach(c -> classes.add(c.name()));
                    }
                }
            }
        }
        Templates.html(ctx, "compare.jte", Map.of("view", new View(all, selected, runs, List.copyOf(classes))));
    }
}
