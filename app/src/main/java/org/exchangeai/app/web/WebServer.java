package org.exchangeai.app.web;

import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.exchangeai.app.jobs.JobRunner;
import org.exchangeai.app.security.AuditTrail;
import org.exchangeai.app.security.Guard;
import org.exchangeai.app.security.HostPolicy;
import org.exchangeai.app.security.SecurityOptions;
import org.exchangeai.app.security.Sessions;
import org.exchangeai.app.security.SignIn;
import org.exchangeai.app.security.Tls;
import org.exchangeai.app.store.Accounts;
import org.exchangeai.app.store.AuditLog;
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
        return start(workspaceDir, builtInModels, host, port, SecurityOptions.forBinding(host));
    }

    /**
     * As {@link #start(Path, Path, String, int)}, with the protections given. Server mode (accounts)
     * refuses to start while the workspace has no account.
     */
    public static WebServer start(Path workspaceDir, Path builtInModels, String host, int port, SecurityOptions security)
            throws IOException, SQLException {
        Workspace ws = Workspace.open(workspaceDir);
        Accounts accounts = new Accounts(ws);
        if (security.accounts() && !accounts.any()) {
            ws.close();
            throw new IllegalStateException("Serving on " + host + " lets other machines connect, so it needs accounts, and the"
                    + " workspace " + workspaceDir.toAbsolutePath() + " has none. Add an administrator first:"
                    + " ./exchangeai users add NAME --admin" + (workspaceDir.toAbsolutePath().equals(defaultWorkspace()) ? ""
                    : " --workspace " + workspaceDir));
        }
        Sessions sessions = new Sessions(security.sessionIdle());
        AuditLog auditLog = new AuditLog(ws);
        AuditTrail audit = new AuditTrail(auditLog);
        Guard guard = new Guard(HostPolicy.of(host, security), security, sessions, accounts, audit);
        JobRunner jobs = new JobRunner(ws);
        Services services = new Services(ws, new Datasets(ws), jobs, new RecordingCache(ws, 64));
        ModelLibrary library = new ModelLibrary(new Models(ws), builtInModels);
        List<Page> pages = List.of(new LandingPage(services), new DataPage(services), new AnalysePage(services),
                new JobsPage(services), new ModelsPage(services, library), new PredictPage(services, library),
                new ExplainPage(services, library),
                new ComparePage(services, library), new FineTunePage(services, library), new PretrainPage(services, library),
                new ExchangePage(services, library), new LoginPage(guard, sessions, new SignIn(accounts), audit),
                new AdminPage(accounts, auditLog, sessions, guard), new SharingPage(services, accounts, guard));
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
            if (security.tls() != null) {
                Tls.configure(config, host, port, security.tls());
            }
            guard.register(config.routes);
            for (Page p : pages) {
                p.register(config.routes);
            }
            RequestSafety.register(config.routes);
            audit.register(config.routes);
            guard.registerCleanup(config.routes);
        });
        app.start();
        return new WebServer(ws, jobs, app);
    }

    public int port() {
        return app.port();
    }

    /** Every registered route as "METHOD path" (the tests check that each state-changing one is protected). */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path).toList();
    }

    /** The default workspace folder, {@code ~/.exchangeai}. */
    public static Path defaultWorkspace() {
        return java.nio.file.Paths.get(System.getProperty("user.home"), ".exchangeai").toAbsolutePath();
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
