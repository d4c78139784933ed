package org.exchangeai.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.exchangeai.app.jobs.JobInfo;
import org.exchangeai.app.jobs.JobRunner;
import org.exchangeai.app.store.Models;
import org.exchangeai.core.exchange.Catalogue;
import org.exchangeai.core.exchange.ExchangeCard;
import org.exchangeai.core.exchange.ExchangeConfig;
import org.exchangeai.core.exchange.ExchangeException;
import org.exchangeai.core.exchange.ExchangeFolder;
import org.exchangeai.core.exchange.Exchanges;
import org.exchangeai.core.exchange.ModelExchange;
import org.exchangeai.core.exchange.PushRequest;

/**
 * Model exchanges: configure one (kept in the exchanges file, the password never sent back to the
 * browser), browse its catalogue, pull a model version into the workspace library as a job, and
 * publish a workspace model after a confirmation step.
 */
public final class ExchangePage implements Page {

    static final String PULL_KIND = "exchange-pull";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One configured exchange with its catalogue, or why the catalogue could not be read. */
    public record Listing(String name, String url, String username, boolean hasPassword, List<ExchangeCard> models,
            String error) {
    }

    /** A publication waiting for the user's confirmation. */
    public record PendingPublish(long modelId, String modelName, String exchange, String name, String version,
            boolean overwrite) {
    }

    /** What the exchange template shows. */
    public record View(List<Listing> exchanges, String configFile, List<ModelLibrary.Entry> models, List<JobInfo> pulls,
            List<ExchangeFolder.QuarantinedModel> quarantined, PendingPublish pending, String error, String notice) {
    }

    private final Services s;
    private final ModelLibrary library;

    public ExchangePage(Services s, ModelLibrary library) {
        this.s = s;
        this.library = library;
    }

    /** The exchanges file: {@code -Dexchangeai.exchanges}, else {@code ~/.exchangeai/exchanges.json}. */
    static Path configFile() {
        String prop = System.getProperty("exchangeai.exchanges");
        return prop != null ? Paths.get(prop) : Exchanges.defaultFile(Paths.get(System.getProperty("user.home")));
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/exchange", ctx -> show(ctx, null, notice(ctx), null));
        routes.get("/exchange/pulls", ctx -> Templates.html(ctx, "partials/exchange-pulls.jte",
                Map.of("pulls", pulls(), "quarantined", quarantined())));
        routes.post("/exchange/configure", this::configure);
        routes.post("/exchange/pull", this::pull);
        routes.post("/exchange/publish", this::publish);
    }

    private static String notice(Context ctx) {
        String n = ctx.queryParam("notice");
        return switch (n == null ? "" : n) {
            case "saved" -> "Exchange saved.";
            case "pulling" -> "Pull started; progress is shown below.";
            default -> null;
        };
    }

    private void show(Context ctx, String error, String notice, PendingPublish pending) throws Exception {
        List<Listing> listings = new ArrayList<>();
        Exchanges exchanges;
        try {
            exchanges = Exchanges.load(configFile(), System.getenv());
        } catch (ExchangeException e) {
            exchanges = null;
            error = error == null ? "The exchanges file cannot be read: " + e.getMessage() : error;
        }
        if (exchanges != null) {
            for (ExchangeConfig c : exchanges.all()) {
                List<ExchangeCard> cards = List.of();
                String problem = null;
                try (ModelExchange x = new ModelExchange(c)) {
                    Catalogue cat = x.catalogue();
                    cards = cat.models();
                } catch (ExchangeException e) {
                    problem = describe(e);
                }
                listings.add(new Listing(c.name(), c.url().toString(), c.username(), c.hasCredentials(), cards,
                        problem == null ? null : c.redact(problem)));
            }
        }
        library.syncBuiltIn();
        View v = new View(listings, configFile().toString(), library.list().stream()
                .filter(ModelLibrary.Entry::available).toList(), pulls(), quarantined(), pending, error, notice);
        Templates.html(ctx, "exchange.jte", Map.of("view", v));
    }

    private List<JobInfo> pulls() throws Exception {
        return s.jobs().recent(50).stream().filter(j -> PULL_KIND.equals(j.kind())).limit(10).toList();
    }

    private List<ExchangeFolder.QuarantinedModel> quarantined() {
        return new ExchangeFolder(s.workspace().dir()).quarantined();
    }

    /** The message with what the user can do about it. */
    static String describe(ExchangeException e) {
        return switch (e.kind()) {
            case UNAUTHORIZED -> "The exchange refused the user name or password: " + e.getMessage();
            case INTEGRITY -> "Refused and quarantined: " + e.getMessage();
            default -> e.getMessage();
        };
    }

    private void configure(Context ctx) throws Exception {
        String name = trim(ctx.formParam("name"));
        String url = trim(ctx.formParam("url"));
        String user = trim(ctx.formParam("username"));
        String password = ctx.formParam("password");
        Path file = configFile();
        ObjectNode root;
        try {
            root = Files.isRegularFile(file) ? (ObjectNode) JSON.readTree(file.toFile()) : JSON.createObjectNode();
        } catch (IOException | ClassCastException e) {
            ctx.status(400);
            show(ctx, "The exchanges file " + file + " cannot be read; fix or remove it first.", null, null);
            return;
        }
        ObjectNode all = root.has("exchanges") && root.get("exchanges").isObject() ? (ObjectNode) root.get("exchanges")
                : root.putObject("exchanges");
        boolean typed = password != null && !password.isEmpty();
        ExchangeConfig config;
        try {
            config = ExchangeConfig.of(name, url, user, typed ? password : null);
        } catch (ExchangeException e) {
            ctx.status(400);
            show(ctx, "Cannot save this exchange: " + e.getMessage(), null, null);
            return;
        }
        // an empty password field keeps the saved password, but only for the origin (scheme, host,
        // port) and user it was entered for: a changed URL must never carry it to another server
        JsonNode saved = all.get(config.name());
        if (!typed && config.password() == null && saved != null && saved.hasNonNull("password")) {
            String savedOrigin = savedOrigin(saved);
            String savedUser = saved.hasNonNull("username") ? saved.get("username").asText() : null;
            if (!config.origin().equals(savedOrigin)) {
                ctx.status(400);
                show(ctx, "The exchange '" + config.name() + "' now points at another server (" + config.origin()
                        + " instead of " + savedOrigin + "): enter its password again. A saved password is only "
                        + "sent to the server it was entered for.", null, null);
                return;
            }
            if (config.username() != null && config.username().equals(savedUser)) {
                config = ExchangeConfig.of(config.name(), config.url().toString(), config.username(),
                        saved.get("password").asText());
            }
        }
        String local = config.localAddress();
        if (local != null && !"on".equals(ctx.formParam("local"))) {
            ctx.status(400);
            show(ctx, "The URL of '" + config.name() + "' points at this machine or a link-local address (" + local
                    + "), where other services than an exchange may listen. Tick \"local address\" to confirm that "
                    + "you mean it.", null, null);
            return;
        }
        ObjectNode entry = all.putObject(config.name());
        entry.put("url", config.url().toString());
        if (config.username() != null) {
            entry.put("username", config.username());
        }
        if (config.password() != null) {
            entry.put("password", config.password());
        }
        write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        ctx.redirect("/exchange?notice=saved");
    }

    /** The origin of a saved exchange's URL, or "none" when it has none that can be read. */
    private static String savedOrigin(JsonNode saved) {
        try {
            return ExchangeConfig.origin(new java.net.URI(saved.path("url").asText("").trim()));
        } catch (java.net.URISyntaxException e) {
            return "none";
        }
    }

    /** Writes the file readable by its owner only: it holds passwords. */
    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private ExchangeConfig config(String name) throws ExchangeException {
        return Exchanges.load(configFile(), System.getenv()).get(name);
    }

    private void pull(Context ctx) throws Exception {
        String exchange = ctx.formParam("exchange");
        String name = ctx.formParam("name");
        String version = ctx.formParam("version");
        ExchangeConfig config;
        try {
            config = config(exchange);
        } catch (ExchangeException e) {
            ctx.status(400);
            show(ctx, e.getMessage(), null, null);
            return;
        }
        Path workspace = s.workspace().dir();
        Path tmp = workspace.resolve("tmp");
        s.jobs().submit(PULL_KIND, "Pull " + name + "@" + version + " from " + config.name(),
                JSON.createObjectNode().put("exchange", config.name()).put("name", name).put("version", version).toString(),
                JobRunner.Queue.IO, job -> {
                    ExchangeFolder.InstalledModel m;
                    try (ModelExchange x = new ModelExchange(config)) {
                        m = x.pull(name, version, workspace, (done, total) -> job.progress(
                                total > 0 ? 0.95 * done / total : 0, done / 1024 + " KiB received"));
                    } catch (ExchangeException e) {
                        throw new IllegalStateException(config.redact(describe(e)), e);
                    }
                    job.progress(0.97, "checking the model");
                    byte[] bytes = Files.readAllBytes(m.file());
                    String origin = "exchange:" + config.name();
                    long id = library.addUpload(name + ".onnx", bytes, Models.DOWNLOADED, origin, tmp);
                    job.log("registered as model " + id + " (" + origin + ", " + name + "@" + m.version() + ")");
                    job.result(JSON.createObjectNode().put("model", id).put("origin", origin).toString());
                    job.progress(1, "installed");
                });
        ctx.redirect("/exchange?notice=pulling");
    }

    private void publish(Context ctx) throws Exception {
        long modelId;
        try {
            modelId = Long.parseLong(ctx.formParam("model"));
        } catch (NumberFormatException | NullPointerException e) {
            ctx.status(400);
            show(ctx, "Choose a model to publish.", null, null);
            return;
        }
        ModelLibrary.Entry model = library.get(modelId).filter(ModelLibrary.Entry::available).orElse(null);
        if (model == null) {
            ctx.status(400);
            show(ctx, "Model " + modelId + " has no file to publish.", null, null);
            return;
        }
        String exchange = ctx.formParam("exchange");
        String name = trim(ctx.formParam("name"));
        String version = trim(ctx.formParam("version"));
        boolean overwrite = "on".equals(ctx.formParam("overwrite"));
        PendingPublish pending = new PendingPublish(modelId, model.model().name(), exchange,
                name == null ? model.model().name() : name, version, overwrite);
        if (!"yes".equals(ctx.formParam("confirm"))) {
            show(ctx, null, null, pending);
            return;
        }
        try (ModelExchange x = new ModelExchange(config(exchange))) {
            ExchangeCard c = x.push(model.file(), new PushRequest(pending.name(), version, overwrite, null), null);
            show(ctx, null, "Published " + c.name() + "@" + c.version() + " to " + exchange + ".", null);
        } catch (ExchangeException e) {
            ctx.status(400);
            show(ctx, "Publishing failed: " + describe(e), null, null);
        }
    }

    private static String trim(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
