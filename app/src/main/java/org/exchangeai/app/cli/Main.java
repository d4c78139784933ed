package org.exchangeai.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code exchangeai} command line. */
@Command(name = "exchangeai", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Local-first ECG analysis, prediction and fine-tuning.",
        footer = {"", "Whole archives on Apache Spark: 'exchangeai archive --help' (the launcher runs it from the spark module)."},
        subcommands = {
                ServeCommand.class,
                InspectCommand.class,
                PredictCommand.class,
                EvaluateCommand.class,
                ModelsCommand.class,
                FinetuneCommand.class,
                CompareCommand.class,
                PretrainCommand.class,
                ConvertCommand.class,
                AnalyseCommand.class,
                ExplainCommand.class,
                ExchangeCommand.class,
                UsersCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // a model that cannot be used is the user's input, not a bug: its reason, not a stack trace
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof org.exchangeai.core.model.ModelException) {
                command.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
