package org.exchangeai.app.web;

import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.exchangeai.app.jobs.JobRunner;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.app.store.Models;
import org.exchangeai.app.store.Workspace;

/** The web platform: Javalin with precompiled jte pages, htmx and static scripts from the classpath. */
public final class WebServer implements AutoCloseable {

    private final Workspace workspace;
    private final JobRunner jobs;
    private final Javalin app;

    private WebServer(Workspace workspace, JobRunner jobs, Javalin app) {
        this.workspace = workspace;
        this.jobs = jobs;
        this.app = app;
    }

    /** Opens the workspace and starts serving; port 0 picks a free port. */
    public static WebServer start(Path workspaceDir, String host, int port) throws IOException, SQLException {
        return start(workspaceDir, ModelLibrary.defaultBuiltInFolder(), host, port);
    }

    /** As {@link #start(Path, String, int)}, with the folder of built-in models given. */
    public static WebServer start(Path workspaceDir, Path builtInModels, String host, int port) throws IOException, SQLException {
        Workspace ws = Workspace.open(workspaceDir);
        JobRunner jobs = new JobRunner(ws);
        Services services = new Services(ws, new Datasets(ws), jobs, new RecordingCache(ws, 64));
        ModelLibrary library = new ModelLibrary(new Models(ws), builtInModels);
        List<Page> pages = List.of(new LandingPage(services), new DataPage(services), new AnalysePage(services),
                new JobsPage(services), new ModelsPage(services, library), new PredictPage(services, library),
                new ComparePage(services, library), new FineTunePage(services, library), new PretrainPage(services, library),
                new ExchangePage(services, library));
        Javalin app = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            config.jetty.multipartConfig.cacheDirectory(ws.dir().resolve("tmp").toString());
            config.jetty.multipartConfig.maxFileSize(2, io.javalin.config.SizeUnit.GB);
            config.jetty.multipartConfig.maxTotalRequestSize(4, io.javalin.config.SizeUnit.GB);
            config.staticFiles.enableWebjars();
            config.staticFiles.add(sf -> {
                sf.hostedPath = "/static";
                sf.directory = "/web";
                sf.location = Location.CLASSPATH;
            });
            config.startup.showJavalinBanner = false;
            for (Page p : pages) {
                p.register(config.routes);
            }
            RequestSafety.register(config.routes);
        });
        app.start();
        return new WebServer(ws, jobs, app);
    }

    public int port() {
        return app.port();
    }

    public Workspace workspace() {
        return workspace;
    }

    public JobRunner jobs() {
        return jobs;
    }

    @Override
    public void close() {
        app.stop();
        jobs.close();
        workspace.close();
    }
}
