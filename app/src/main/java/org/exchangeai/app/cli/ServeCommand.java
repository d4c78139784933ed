package org.exchangeai.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Starts the web platform. */
@Command(name = "serve", description = "Start the web platform on this machine.")
public final class ServeCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println("The web platform is not part of this build yet; use the command line (exchangeai --help).");
        return 0;
    }
}
