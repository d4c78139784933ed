package org.exchangeai.core.exchange;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.authenticator.BasicAuthenticator;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.WebdavServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.util.descriptor.web.LoginConfig;
import org.apache.tomcat.util.descriptor.web.SecurityCollection;
import org.apache.tomcat.util.descriptor.web.SecurityConstraint;

/**
 * A real WebDAV share for tests: Tomcat's {@link WebdavServlet} (writable) over a folder, on
 * 127.0.0.1 with a random port, behind HTTP basic authentication. {@link #cutModelDownloadsAfter}
 * makes the server drop the connection part-way through sending a {@code model.onnx}.
 */
public final class WebDavTestServer implements AutoCloseable {

    private static final String ROLE = "exchange";

    private final Tomcat tomcat;
    private final Path root;
    private final Path base;
    private final int port;
    private volatile long cutAfter = -1;
    private volatile long stallMillis;

    private WebDavTestServer(Tomcat tomcat, Path root, Path base, int port) {
        this.tomcat = tomcat;
        this.root = root;
        this.base = base;
        this.port = port;
    }

    /** Starts a share over {@code root} that accepts only {@code user}/{@code password}. */
    public static WebDavTestServer start(Path root, String user, String password) throws Exception {
        Files.createDirectories(root);
        Path base = Files.createTempDirectory("tomcat-base");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        tomcat.addUser(user, password);
        tomcat.addRole(user, ROLE);
        tomcat.getEngine();
        Context ctx = tomcat.addContext("", root.toAbsolutePath().toString());
        Wrapper w = Tomcat.addServlet(ctx, "webdav", new WebdavServlet());
        w.addInitParameter("readonly", "false");
        w.addInitParameter("listings", "true");
        ctx.addServletMappingDecoded("/*", "webdav");

        LoginConfig login = new LoginConfig();
        login.setAuthMethod("BASIC");
        login.setRealmName("exchange");
        ctx.setLoginConfig(login);
        SecurityConstraint sc = new SecurityConstraint();
        sc.addAuthRole(ROLE);
        SecurityCollection all = new SecurityCollection();
        all.addPattern("/*");
        sc.addCollection(all);
        ctx.addConstraint(sc);
        ctx.addSecurityRole(ROLE);
        ctx.getPipeline().addValve(new BasicAuthenticator());

        WebDavTestServer[] self = new WebDavTestServer[1];
        FilterDef fd = new FilterDef();
        fd.setFilterName("cut");
        fd.setFilter(new Filter() {
            @Override
            public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException,
                    ServletException {
                long cut = self[0] == null ? -1 : self[0].cutAfter;
                HttpServletRequest r = (HttpServletRequest) req;
                if (cut >= 0 && r.getMethod().equals("GET") && r.getRequestURI().endsWith("/model.onnx")) {
                    chain.doFilter(req, new CuttingResponse((HttpServletResponse) res, cut, self[0].stallMillis));
                } else {
                    chain.doFilter(req, res);
                }
            }
        });
        ctx.addFilterDef(fd);
        FilterMap fm = new FilterMap();
        fm.setFilterName("cut");
        fm.addURLPattern("/*");
        ctx.addFilterMap(fm);

        tomcat.start();
        ctx.getResources().setCachingAllowed(false);
        WebDavTestServer s = new WebDavTestServer(tomcat, root, base, connector.getLocalPort());
        self[0] = s;
        return s;
    }

    /** The share's root URL. */
    public String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    public int port() {
        return port;
    }

    /** The folder behind the share (to tamper with files as a compromised server would). */
    public Path root() {
        return root;
    }

    /** From now on, a GET of any {@code model.onnx} sends {@code bytes} bytes and then drops the connection; -1 turns it off. */
    public void cutModelDownloadsAfter(long bytes) {
        this.cutAfter = bytes;
    }

    /** With a cut set: before dropping the connection, go silent for this long (a server that hangs). */
    public void stallBeforeCut(long millis) {
        this.stallMillis = millis;
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        try (Stream<Path> s = Files.walk(base)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Passes the first {@code limit} body bytes through, flushes them, then fails so Tomcat aborts the connection. */
    private static final class CuttingResponse extends HttpServletResponseWrapper {
        private final long limit;
        private final long stallMillis;
        private ServletOutputStream stream;

        CuttingResponse(HttpServletResponse res, long limit, long stallMillis) {
            super(res);
            this.limit = limit;
            this.stallMillis = stallMillis;
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (stream == null) {
                ServletOutputStream out = super.getOutputStream();
                stream = new ServletOutputStream() {
                    long n;

                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        int allowed = (int) Math.max(0, Math.min(len, limit - n));
                        out.write(b, off, allowed);
                        n += allowed;
                        if (allowed < len) {
                            out.flush();
                            if (stallMillis > 0) {
                                try {
                                    Thread.sleep(stallMillis);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                            throw new IOException("test server drops the connection after " + n + " bytes");
                        }
                    }

                    @Override
                    public boolean isReady() {
                        return out.isReady();
                    }

                    @Override
                    public void setWriteListener(WriteListener l) {
                        out.setWriteListener(l);
                    }
                };
            }
            return stream;
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            throw new IllegalStateException("model downloads are written as bytes");
        }
    }
}
