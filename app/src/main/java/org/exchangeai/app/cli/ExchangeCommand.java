package org.exchangeai.app.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.exchangeai.core.exchange.Catalogue;
import org.exchangeai.core.exchange.ExchangeCard;
import org.exchangeai.core.exchange.ExchangeConfig;
import org.exchangeai.core.exchange.ExchangeException;
import org.exchangeai.core.exchange.ExchangeFolder;
import org.exchangeai.core.exchange.Exchanges;
import org.exchangeai.core.exchange.ModelExchange;
import org.exchangeai.core.exchange.PushRequest;
import org.exchangeai.core.exchange.TransferListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exchange list | pull | push | quarantine}: share models with other sites over WebDAV. */
@Command(name = "exchange", mixinStandardHelpOptions = true, description = "Share models with other sites over a WebDAV exchange (see docs/exchange.md).",
        subcommands = {ExchangeCommand.List.class, ExchangeCommand.Pull.class, ExchangeCommand.Push.class,
                ExchangeCommand.Quarantine.class},
        footer = {"", "Exit status: 0 done, 1 other failure, 3 refused by the integrity check, 4 credentials refused,"
                + " 5 exchange unreachable, 6 version already exists, 7 not found."})
public final class ExchangeCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Options every exchange command shares. */
    static final class Target {
        @Option(names = "--exchange", paramLabel = "NAME",
                description = "Which configured exchange (default: the configured default, or the only one).")
        String exchange;

        @Option(names = "--config", paramLabel = "FILE",
                description = "Exchanges file (default ~/.exchangeai/exchanges.json).")
        Path config;

        ExchangeConfig resolve() throws ExchangeException {
            Path file = config != null ? config
                    : System.getProperty("exchangeai.exchanges") != null ? Paths.get(System.getProperty("exchangeai.exchanges"))
                    : Exchanges.defaultFile(home());
            return Exchanges.load(file, System.getenv()).get(exchange);
        }
    }

    static Path home() {
        return Paths.get(System.getProperty("user.home"));
    }

    /** The user's workspace: pulled models go to {@code ~/.exchangeai/exchange/<exchange>/<model>/<version>/}. */
    static Path workspace() {
        return home().resolve(".exchangeai");
    }

    static int fail(ExchangeException e) {
        System.err.println("error: " + e.getMessage());
        return switch (e.kind()) {
            case INTEGRITY -> 3;
            case UNAUTHORIZED, FORBIDDEN -> 4;
            case UNREACHABLE -> 5;
            case ALREADY_EXISTS -> 6;
            case NOT_FOUND -> 7;
            default -> 1;
        };
    }

    /** A progress bar that appears with the first transferred byte (not while connecting) and closes with the command. */
    static final class Progress implements TransferListener, AutoCloseable {
        private final String task;
        private ProgressBar bar;

        Progress(String task) {
            this.task = task;
        }

        @Override
        public void transferred(long done, long total) {
            if (bar == null) {
                bar = PredictCommand.progress(task, Math.max(total, 1));
            }
            if (total > 0) {
                bar.maxHint(total);
            }
            bar.stepTo(done);
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the models on an exchange.")
    static final class List implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        @picocli.CommandLine.Mixin
        Target target = new Target();

        @Override
        public Integer call() {
            try {
                ExchangeConfig cfg = target.resolve();
                try (ModelExchange ex = new ModelExchange(cfg)) {
                    Catalogue cat = ex.catalogue();
                    cat.warnings().forEach(w -> System.err.println("warning: " + w));
                    if (cat.models().isEmpty()) {
                        System.out.println("The exchange '" + cfg.name() + "' has no models yet.");
                        return 0;
                    }
                    for (ExchangeCard c : cat.models()) {
                        System.out.printf(Locale.ROOT, "%s@%s  [exchange:%s]  %s  %,d bytes  published by %s on %s%n", c.name(),
                                c.version(), cfg.name(), String.join(", ", c.classes()), c.size(), c.publisher(), c.published());
                    }
                    return 0;
                }
            } catch (ExchangeException e) {
                return fail(e);
            }
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true, description = "Download a model, verify size, SHA-256 and that it loads, then install it"
            + " where 'models' and 'predict --model NAME' find it.")
    static final class Pull implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        @Parameters(paramLabel = "NAME[@VERSION]", description = "The model (latest version unless one is given).")
        String model;

        @picocli.CommandLine.Mixin
        Target target = new Target();

        @Override
        public Integer call() {
            int at = model.indexOf('@');
            String name = at < 0 ? model : model.substring(0, at);
            String version = at < 0 ? null : model.substring(at + 1);
            try {
                ExchangeConfig cfg = target.resolve();
                ExchangeFolder.InstalledModel got;
                try (ModelExchange ex = new ModelExchange(cfg);
                        Progress bar = new Progress("Downloading")) {
                    got = ex.pull(name, version, workspace(), bar);
                }
                System.out.println("Pulled " + got.name() + "@" + got.version() + " from exchange '" + got.exchange()
                        + "' (SHA-256 " + got.card().sha256() + ", verified) into " + got.file());
                return 0;
            } catch (ExchangeException e) {
                return fail(e);
            }
        }
    }

    @Command(name = "push", mixinStandardHelpOptions = true, description = "Publish a model with its card; an existing version is kept unless --force.")
    static final class Push implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        @Parameters(paramLabel = "MODEL.onnx", description = "The model file, or the name of a model the platform knows.")
        String model;

        @Option(names = "--name", paramLabel = "N", description = "Name on the exchange (default: the file name).")
        String name;

        @Option(names = "--version", paramLabel = "V",
                description = "Version (default: the first 12 hex digits of the model's SHA-256).")
        String version;

        @Option(names = "--publisher", paramLabel = "WHO", description = "Who publishes (default: the exchange user).")
        String publisher;

        @Option(names = "--force", description = "Replace an existing version of the same name.")
        boolean force;

        @picocli.CommandLine.Mixin
        Target target = new Target();

        @Override
        public Integer call() {
            Path file = ModelCatalog.resolve(model);
            // a model known by name is published under that name (an exchange model's file is always model.onnx)
            String defaultName = null;
            if (name == null && !file.toString().equals(model)) {
                defaultName = model.contains("@") ? model.substring(0, model.indexOf('@')) : model;
            }
            try {
                ExchangeConfig cfg = target.resolve();
                ExchangeCard card;
                try (ModelExchange ex = new ModelExchange(cfg);
                        Progress bar = new Progress("Uploading")) {
                    card = ex.push(file, new PushRequest(name != null ? name : defaultName, version, force, publisher), bar);
                }
                System.out.println("Published " + card.name() + "@" + card.version() + " on exchange '" + cfg.name()
                        + "' (" + card.size() + " bytes, SHA-256 " + card.sha256() + ")");
                return 0;
            } catch (ExchangeException e) {
                return fail(e);
            }
        }
    }

    @Command(name = "quarantine", mixinStandardHelpOptions = true, description = "List downloads that were refused by the integrity check, and why.")
    static final class Quarantine implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        @Override
        public Integer call() {
            java.util.List<ExchangeFolder.QuarantinedModel> q = new ExchangeFolder(workspace()).quarantined();
            if (q.isEmpty()) {
                System.out.println("Nothing is quarantined.");
            }
            for (ExchangeFolder.QuarantinedModel m : q) {
                System.out.printf(Locale.ROOT, "%s@%s  [exchange:%s]  %s  %s%n    %s%n", m.name(), m.version(), m.exchange(),
                        m.when(), m.folder(), m.reason());
            }
            return 0;
        }
    }
}
