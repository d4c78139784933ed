package org.exchangeai.app.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.exchangeai.app.security.SecurityOptions;
import org.exchangeai.app.web.ModelLibrary;
import org.exchangeai.app.web.WebServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts the web platform. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the web platform on this machine.",
        footer = {"", "On 127.0.0.1 (the default) there is one user and no sign-in. Any other address, --public-url or --accounts is server mode:",
                "accounts are required ('exchangeai users add NAME --admin'); see docs/deploy.md and docs/security.md."})
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8000", description = "Port to listen on (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to bind (default ${DEFAULT-VALUE}: only this machine can connect).")
    String host;

    @Option(names = "--workspace", description = "Workspace folder (default: ~/.exchangeai).")
    Path workspace;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "The address users open (e.g. https://ecg.example.org behind a reverse proxy); its host name is accepted.")
    URI publicUrl;

    @Option(names = "--allow-host", paramLabel = "NAME",
            description = "A further host name the server may be reached by (repeatable). Other names are refused.")
    List<String> allowHosts = new ArrayList<>();

    @Option(names = "--accounts",
            description = "Require sign-in even on a loopback address (implied by --public-url and by non-loopback addresses).")
    boolean accounts;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "HTTPS certificate chain (PEM); with --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "HTTPS private key (unencrypted PKCS#8 PEM); with --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-keystore", paramLabel = "P12",
            description = "HTTPS from a PKCS#12 keystore; its password is read from EXCHANGEAI_TLS_PASSWORD.")
    Path tlsKeystore;

    @Override
    public Integer call() throws Exception {
        Path ws = workspace != null ? workspace : WebServer.defaultWorkspace();
        SecurityOptions.Tls tls = null;
        if (tlsKeystore != null || tlsCert != null || tlsKey != null) {
            if (tlsKeystore == null && (tlsCert == null || tlsKey == null)) {
                System.err.println("exchangeai serve: --tls-cert and --tls-key go together (or give --tls-keystore)");
                return 2;
            }
            String pw = System.getenv("EXCHANGEAI_TLS_PASSWORD");
            tls = new SecurityOptions.Tls(tlsKeystore, tlsCert, tlsKey, pw == null ? null : pw.toCharArray());
        }
        SecurityOptions defaults = SecurityOptions.forBinding(host);
        SecurityOptions security;
        WebServer server;
        try {
            // a public URL means others reach this server (through a proxy on this machine): never the login-free mode
            boolean serverMode = defaults.accounts() || accounts || publicUrl != null;
            security = new SecurityOptions(serverMode, allowHosts, publicUrl, tls,
                    serverMode ? SecurityOptions.SERVER_IDLE : SecurityOptions.LOCAL_IDLE);
            server = WebServer.start(ws, ModelLibrary.defaultBuiltInFolder(), host, port, security);
        } catch (IllegalStateException | IllegalArgumentException e) {
            System.err.println("exchangeai serve: " + e.getMessage());
            return 2;
        }
        String shown = host.contains(":") ? "[" + host + "]" : host;
        System.out.println("ExChanGeAI is running at " + (tls != null ? "https" : "http") + "://" + shown + ":" + server.port()
                + "/  (workspace " + ws.toAbsolutePath() + "; " + (security.accounts() ? "server mode, sign-in required; " : "")
                + "Ctrl-C stops it)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
