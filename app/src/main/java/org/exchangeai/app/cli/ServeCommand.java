package org.exchangeai.app.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.exchangeai.app.web.WebServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts the web platform. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the web platform on this machine.")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8000", description = "Port to listen on (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to bind (default ${DEFAULT-VALUE}: only this machine can connect).")
    String host;

    @Option(names = "--workspace", description = "Workspace folder (default: ~/.exchangeai).")
    Path workspace;

    @Override
    public Integer call() throws Exception {
        Path ws = workspace != null ? workspace : Paths.get(System.getProperty("user.home"), ".exchangeai");
        WebServer server = WebServer.start(ws, host, port);
        System.out.println("ExChanGeAI is running at http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + server.port() + "/  (workspace " + ws.toAbsolutePath() + "; Ctrl-C stops it)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
