package org.exchangeai.core.exchange;

import com.github.sardine.DavResource;
import com.github.sardine.impl.SardineException;
import com.github.sardine.impl.SardineImpl;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.MalformedURLException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.config.SocketConfig;
import org.apache.http.conn.ConnectTimeoutException;
import org.apache.http.entity.AbstractHttpEntity;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.client.HttpClientBuilder;
import org.exchangeai.core.exchange.ExchangeException.Kind;
import org.exchangeai.core.exchange.ExchangeFolder.InstalledModel;
import org.exchangeai.core.model.ModelException;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.onnx.ModelCard;

/**
 * One exchange: a WebDAV folder holding {@code <model>/<version>/model.onnx} and {@code card.json}
 * per published model, and {@code catalogue.json} at its root.
 *
 * <p>{@link #pull} downloads into a {@code .part} file, checks size and SHA-256 against the card,
 * loads the model with ONNX Runtime, and only then renames it into place; a mismatch or an
 * unloadable model goes to quarantine. {@link #push} uploads under a temporary name, moves it into
 * place, then writes the card (a version without a card is never pulled) and the catalogue.
 */
public final class ModelExchange implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ModelExchange.class.getName());
    private static final int MAX_CARD_BYTES = 1 << 20;
    private static final int MAX_CATALOGUE_BYTES = 16 << 20;
    private static final String JSON_TYPE = "application/json";
    private static final String ONNX_TYPE = "application/octet-stream";

    /**
     * The HTTP client's header and wire logs would show the Basic authorization header (the password,
     * base64-encoded) at debug level; they are held at INFO whatever the logging setup says.
     */
    private static final List<java.util.logging.Logger> QUIET = List.of(
            java.util.logging.Logger.getLogger("org.apache.http.headers"),
            java.util.logging.Logger.getLogger("org.apache.http.wire"));

    static {
        QUIET.forEach(l -> l.setLevel(java.util.logging.Level.INFO));
    }

    private final ExchangeConfig config;
    private final SardineImpl dav;

    public ModelExchange(ExchangeConfig config) {
        this.config = config;
        int ms = (int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis());
        HttpClientBuilder builder = HttpClientBuilder.create()
                .disableAutomaticRetries()
                .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(ms).setSocketTimeout(ms)
                        .setConnectionRequestTimeout(ms).build())
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(ms).build());
        if (config.hasCredentials()) {
            // the credentials are bound to the exchange's own origin: a redirect or a link to another
            // host or port never receives them
            org.apache.http.impl.client.BasicCredentialsProvider credentials =
                    new org.apache.http.impl.client.BasicCredentialsProvider();
            credentials.setCredentials(new org.apache.http.auth.AuthScope(config.url().getHost(), config.port()),
                    new org.apache.http.auth.UsernamePasswordCredentials(config.username(),
                            config.password() == null ? "" : config.password()));
            builder.setDefaultCredentialsProvider(credentials);
            dav = new SardineImpl(builder);
            try {
                dav.enablePreemptiveAuthentication(config.url().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalStateException("a validated exchange URL is a URL", e);
            }
        } else {
            dav = new SardineImpl(builder);
        }
        if (config.isInsecure()) {
            LOG.log(System.Logger.Level.WARNING, "exchange ''{0}'' uses plain http to {1}: credentials and models travel"
                    + " unencrypted; prefer https", config.name(), config.url().getHost());
        }
    }

    public ExchangeConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- listing

    /** The models on the exchange: {@code catalogue.json} when present, else the folders. */
    public Catalogue catalogue() throws ExchangeException {
        byte[] json = getSmall(config.url() + Catalogue.FILE, MAX_CATALOGUE_BYTES, "reading the catalogue");
        return json == null ? folderCatalogue() : parseOrRebuild(json);
    }

    /** The catalogue file's entries, or, when the file is damaged, the folders' with a warning saying so. */
    private Catalogue parseOrRebuild(byte[] json) throws ExchangeException {
        try {
            return Catalogue.fromJson(json, "the catalogue of exchange '" + config.name() + "'");
        } catch (ExchangeException e) {
            Catalogue folders = folderCatalogue();
            List<String> warnings = new ArrayList<>();
            warnings.add(e.getMessage() + "; listed from the folders instead");
            warnings.addAll(folders.warnings());
            return new Catalogue(folders.models(), Catalogue.Source.FOLDERS, warnings);
        }
    }

    /** The models found by listing folders ({@code <model>/<version>/card.json}), ignoring {@code catalogue.json}. */
    public Catalogue folderCatalogue() throws ExchangeException {
        List<ExchangeCard> cards = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (String name : subfolders(url(), "listing the models")) {
            if (!ExchangeCard.isSafeSegment(name)) {
                warnings.add("folder '" + name + "' is not a usable model name; skipped");
                continue;
            }
            for (String version : subfolders(url(name), "listing the versions of '" + name + "'")) {
                String where = name + "/" + version + "/" + ExchangeFolder.CARD_FILE;
                if (!ExchangeCard.isSafeSegment(version)) {
                    warnings.add("folder '" + name + "/" + version + "' is not a usable version; skipped");
                    continue;
                }
                byte[] json = getSmall(fileUrl(name, version, ExchangeFolder.CARD_FILE), MAX_CARD_BYTES, "reading " + where);
                if (json == null) {
                    warnings.add(name + "/" + version + " has no card (publication incomplete); skipped");
                    continue;
                }
                try {
                    ExchangeCard c = ExchangeCard.fromJson(json, where);
                    if (c.name().equals(name) && c.version().equals(version)) {
                        cards.add(c);
                    } else {
                        warnings.add(where + " names " + c.name() + "@" + c.version() + "; skipped");
                    }
                } catch (ExchangeException e) {
                    warnings.add(e.getMessage() + "; skipped");
                }
            }
        }
        return new Catalogue(cards, Catalogue.Source.FOLDERS, warnings);
    }

    /** Rewrites {@code catalogue.json} from the folders (after manual changes on the share). */
    public Catalogue rebuildCatalogue() throws ExchangeException {
        Catalogue c = folderCatalogue();
        putSmall(Catalogue.FILE, c.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8), "writing the catalogue");
        return c;
    }

    /** The card published in {@code <name>/<version>/}; the authority a download is checked against. */
    public ExchangeCard card(String name, String version) throws ExchangeException {
        checkName("model name", name);
        checkName("version", version);
        byte[] json = getSmall(fileUrl(name, version, ExchangeFolder.CARD_FILE), MAX_CARD_BYTES,
                "reading the card of " + name + "@" + version);
        if (json == null) {
            throw new ExchangeException(Kind.NOT_FOUND, "model '" + name + "' version '" + version
                    + "' is not on the exchange '" + config.name() + "'");
        }
        ExchangeCard c = ExchangeCard.fromJson(json, "the card of " + name + "@" + version + " on exchange '"
                + config.name() + "'");
        if (!c.name().equals(name) || !c.version().equals(version)) {
            throw new ExchangeException(Kind.INTEGRITY, "the card in " + name + "/" + version + " on exchange '"
                    + config.name() + "' describes " + c.name() + "@" + c.version() + "; refused");
        }
        return c;
    }

    // ---------------------------------------------------------------- pull

    /**
     * Downloads, verifies and installs a model into
     * {@code <workspace>/exchange/<exchange>/<name>/<version>/}. Already installed and intact: nothing
     * is downloaded. Running it again after any failure starts over cleanly.
     *
     * @param version null for the most recently published version
     * @return the installed model
     * @throws ExchangeException {@link Kind#INTEGRITY} after quarantining a file that does not match its
     *                           card or does not load; {@link Kind#UNREACHABLE} when the transfer broke off
     */
    public InstalledModel pull(String name, String version, Path workspace, TransferListener listener)
            throws ExchangeException {
        checkName("model name", name);
        TransferListener progress = listener == null ? TransferListener.NONE : listener;
        if (version == null) {
            Catalogue cat = catalogue();
            version = cat.latest(name).map(ExchangeCard::version).orElseThrow(() -> new ExchangeException(Kind.NOT_FOUND,
                    "no model named '" + name + "' is on the exchange '" + config.name() + "'"
                            + (cat.models().isEmpty() ? "" : "; it has " + cat.models().stream().map(ExchangeCard::name)
                                    .distinct().toList())));
        }
        ExchangeCard card = card(name, version);
        ExchangeFolder folder = new ExchangeFolder(workspace);
        Path dir = folder.modelDir(config.name(), name, version);
        String what = name + "@" + version + " from exchange '" + config.name() + "'";
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ExchangeException(Kind.IO, "cannot create " + dir + ": " + e.getMessage(), e);
        }
        try (FileChannel lockFile = FileChannel.open(dir.resolve(".pull.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = tryLock(lockFile)) {
            if (lock == null) {
                throw new ExchangeException(Kind.IO, "another pull of " + what + " is running; try again when it ends");
            }
            Path target = dir.resolve(ExchangeFolder.MODEL_FILE);
            if (Files.isRegularFile(target) && Integrity.mismatch(target, card.size(), card.sha256()).isEmpty()) {
                ExchangeFolder.writeAtomically(dir.resolve(ExchangeFolder.CARD_FILE), card.toJson().getBytes(
                        java.nio.charset.StandardCharsets.UTF_8));
                progress.transferred(card.size(), card.size());
                return new InstalledModel(config.name(), name, version, target, card);
            }
            Path part = dir.resolve(ExchangeFolder.MODEL_FILE + ".part");
            Files.deleteIfExists(part);
            Received got;
            try {
                got = download(fileUrl(name, version, ExchangeFolder.MODEL_FILE), part, card.size(), progress);
            } catch (ExchangeException e) {
                Files.deleteIfExists(part);
                throw e;
            }
            Optional<String> mismatch = got.bytes() > card.size()
                    ? Optional.of("the server sends " + (got.declared() > card.size() ? got.declared() + " bytes"
                            : "more than " + card.size() + " bytes") + " but the card says " + card.size())
                    : Integrity.mismatch(got.bytes(), got.sha256(), card.size(), card.sha256());
            String reason = mismatch.orElseGet(() -> loadProblem(part, card));
            if (reason != null) {
                Path q = folder.quarantine(config.name(), card, part, reason);
                LOG.log(System.Logger.Level.WARNING, "quarantined {0}: {1} ({2})", what, reason, q);
                throw new ExchangeException(Kind.INTEGRITY, "refused " + what + ": " + reason
                        + "; nothing was installed, the file is quarantined in " + q);
            }
            ExchangeFolder.writeAtomically(dir.resolve(ExchangeFolder.CARD_FILE), card.toJson().getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            ExchangeFolder.moveAtomically(part, target);
            LOG.log(System.Logger.Level.INFO, "installed {0} ({1} bytes, SHA-256 {2}) in {3}", what, card.size(),
                    card.sha256(), dir);
            return new InstalledModel(config.name(), name, version, target, card);
        } catch (IOException e) {
            throw new ExchangeException(Kind.IO, "cannot install " + what + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The lock, or null when another process or thread of this one holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return null;
        }
    }

    /** Null when the model loads and names the card's classes, else why not. */
    private static String loadProblem(Path file, ExchangeCard card) {
        try (OnnxModel m = OnnxModel.load(file, 1)) {
            ModelCard mc = m.card();
            if (!card.classes().isEmpty() && !card.classes().equals(mc.classes())) {
                return "the model predicts " + mc.classes() + " but its card says " + card.classes();
            }
            return null;
        } catch (ModelException e) {
            return "it is not a usable model: " + e.getMessage();
        }
    }

    /** What a download delivered: bytes received (at most one past the card's size), their SHA-256, the declared length. */
    private record Received(long bytes, String sha256, long declared) {
    }

    /**
     * Streams a file into {@code part}, hashing as it goes; stops reading one byte past {@code expected}.
     * A stream that breaks, or ends early without the server having declared that shorter length,
     * is a broken transfer; a complete transfer of the wrong size is returned for the integrity check.
     */
    private Received download(String url, Path part, long expected, TransferListener progress)
            throws ExchangeException, IOException {
        MessageDigest md = Integrity.newDigest();
        long n = 0;
        com.github.sardine.impl.io.ContentLengthInputStream in;
        try {
            in = dav.get(url);
        } catch (IOException e) {
            throw failure("downloading " + relative(url), e);
        }
        long declared = in.getLength() == null ? -1 : in.getLength();
        try (in; OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[1 << 16];
            long lastReport = 0;
            progress.transferred(0, expected);
            while (n <= expected) {
                int r;
                try {
                    r = in.read(buf, 0, (int) Math.min(buf.length, expected + 1 - n));
                } catch (IOException e) {
                    throw broke(url, n, expected, e);
                }
                if (r < 0) {
                    break;
                }
                md.update(buf, 0, r);
                out.write(buf, 0, r);
                n += r;
                if (n - lastReport >= (1 << 18) || n == expected) {
                    progress.transferred(n, expected);
                    lastReport = n;
                }
            }
        }
        if (n < expected && declared != n) {
            throw new ExchangeException(Kind.UNREACHABLE, "the download of " + relative(url) + " from exchange '"
                    + config.name() + "' ended after " + n + " of " + expected + " bytes; nothing was installed,"
                    + " run the pull again");
        }
        return new Received(n, Integrity.hex(md.digest()), declared);
    }

    private ExchangeException broke(String url, long n, long expected, IOException e) {
        return new ExchangeException(Kind.UNREACHABLE, "the download of " + relative(url) + " from exchange '"
                + config.name() + "' broke off after " + n + " of " + expected + " bytes (" + describe(e)
                + "); nothing was installed, run the pull again", e);
    }

    // ---------------------------------------------------------------- push

    /**
     * Publishes a local model with its card. Refuses to replace an existing version unless
     * {@link PushRequest#overwrite()}.
     *
     * @return the published card
     */
    public ExchangeCard push(Path model, PushRequest request, TransferListener listener) throws ExchangeException {
        TransferListener progress = listener == null ? TransferListener.NONE : listener;
        PushRequest req = request == null ? PushRequest.defaults() : request;
        if (!Files.isRegularFile(model)) {
            throw new ExchangeException(Kind.INVALID_MODEL, model + " does not exist or is not a file");
        }
        ModelCard modelCard;
        try (OnnxModel m = OnnxModel.load(model, 1)) {
            modelCard = m.card();
        } catch (ModelException e) {
            throw new ExchangeException(Kind.INVALID_MODEL, "cannot publish " + model + ": " + e.getMessage(), e);
        }
        String sha;
        long size;
        try {
            sha = Integrity.sha256(model);
            size = Files.size(model);
        } catch (IOException e) {
            throw new ExchangeException(Kind.IO, "cannot read " + model + ": " + e.getMessage(), e);
        }
        String fileName = model.getFileName().toString();
        String name = req.name() != null ? req.name()
                : fileName.toLowerCase(Locale.ROOT).endsWith(".onnx") ? fileName.substring(0, fileName.length() - 5) : fileName;
        String version = req.version() != null ? req.version() : sha.substring(0, 12);
        checkName("model name", name);
        checkName("version", version);
        String publisher = req.publisher() != null ? req.publisher()
                : config.username() != null ? config.username() : System.getProperty("user.name", "unknown");
        ExchangeCard card = ExchangeCard.of(name, version, modelCard, sha, size, publisher, Instant.now());
        String what = name + "@" + version + " on exchange '" + config.name() + "'";

        ensureFolder(url(name), "creating the folder of '" + name + "'");
        ensureFolder(url(name, version), "creating the folder of " + name + "@" + version);
        ExchangeCard existing = existingCard(name, version);
        boolean modelThere = exists(fileUrl(name, version, ExchangeFolder.MODEL_FILE), "checking " + what);
        if ((existing != null || modelThere) && !req.overwrite()) {
            String detail = existing == null ? "an incomplete earlier publication"
                    : "published by " + existing.publisher() + " on " + existing.published()
                            + (existing.sha256().equals(sha) ? ", the same file" : ", a different file");
            throw new ExchangeException(Kind.ALREADY_EXISTS, "version '" + version + "' of model '" + name
                    + "' already exists on the exchange '" + config.name() + "' (" + detail
                    + "); publish it under another --version, or replace it with --force");
        }
        try {
            if (existing != null) {
                dav.delete(fileUrl(name, version, ExchangeFolder.CARD_FILE));
            }
            String tmp = fileUrl(name, version, ExchangeFolder.MODEL_FILE + ".part");
            dav.put(tmp, new FileProgressEntity(model, size, progress), ONNX_TYPE, false);
            long stored = storedSize(tmp);
            if (stored != size) {
                throw new ExchangeException(Kind.IO, "the exchange '" + config.name() + "' stored " + stored + " of "
                        + size + " bytes of " + what + "; nothing was published, try again");
            }
            dav.move(tmp, fileUrl(name, version, ExchangeFolder.MODEL_FILE), true);
        } catch (IOException e) {
            throw failure("uploading " + what, e);
        }
        putSmall(name + "/" + version + "/" + ExchangeFolder.CARD_FILE, card.toJson().getBytes(
                java.nio.charset.StandardCharsets.UTF_8), "writing the card of " + what);
        byte[] cat = getSmall(config.url() + Catalogue.FILE, MAX_CATALOGUE_BYTES, "reading the catalogue");
        Catalogue catalogue = cat == null ? folderCatalogue() : parseOrRebuild(cat).with(card);
        putSmall(Catalogue.FILE, catalogue.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "writing the catalogue");
        LOG.log(System.Logger.Level.INFO, "published {0} ({1} bytes, SHA-256 {2})", what, size, sha);
        return card;
    }

    private ExchangeCard existingCard(String name, String version) throws ExchangeException {
        byte[] json = getSmall(fileUrl(name, version, ExchangeFolder.CARD_FILE), MAX_CARD_BYTES,
                "reading the card of " + name + "@" + version);
        if (json == null) {
            return null;
        }
        try {
            return ExchangeCard.fromJson(json, name + "/" + version + "/" + ExchangeFolder.CARD_FILE);
        } catch (ExchangeException e) {
            // an unreadable card still means the version is taken
            return new ExchangeCard(ExchangeCard.FORMAT, name, version, List.of(), null, null, null, null, "", 0,
                    "unknown", "an unknown date");
        }
    }

    private long storedSize(String url) throws IOException {
        List<DavResource> r = dav.list(url, 0);
        Long len = r.isEmpty() ? null : r.get(0).getContentLength();
        return len == null ? -1 : len;
    }

    /** A file entity that reports upload progress. */
    private static final class FileProgressEntity extends AbstractHttpEntity {
        private final Path file;
        private final long size;
        private final TransferListener progress;

        FileProgressEntity(Path file, long size, TransferListener progress) {
            this.file = file;
            this.size = size;
            this.progress = progress;
            setContentType(ONNX_TYPE);
        }

        @Override
        public boolean isRepeatable() {
            return true;
        }

        @Override
        public long getContentLength() {
            return size;
        }

        @Override
        public InputStream getContent() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            byte[] buf = new byte[1 << 16];
            long n = 0;
            progress.transferred(0, size);
            try (InputStream in = Files.newInputStream(file)) {
                for (int r; (r = in.read(buf)) > 0; ) {
                    out.write(buf, 0, r);
                    n += r;
                    progress.transferred(n, size);
                }
            }
        }

        @Override
        public boolean isStreaming() {
            return false;
        }
    }

    // ---------------------------------------------------------------- WebDAV helpers

    /** The URL of a folder on the share (always ending in '/'); segments are checked safe names. */
    private String url(String... folders) {
        StringBuilder sb = new StringBuilder(config.url().toString());
        for (String f : folders) {
            sb.append(f).append('/');
        }
        return sb.toString();
    }

    /** The URL of a file inside a model version's folder. */
    private String fileUrl(String name, String version, String file) {
        return url(name, version) + file;
    }

    private String relative(String url) {
        String base = config.url().toString();
        return url.startsWith(base) ? url.substring(base.length()) : url;
    }

    private static void checkName(String what, String value) throws ExchangeException {
        if (!ExchangeCard.isSafeSegment(value)) {
            throw new ExchangeException(Kind.INVALID_NAME, "the " + what + " '" + value + "' cannot be used: use letters,"
                    + " digits, '.', '_' and '-', starting with a letter or digit (at most 100)");
        }
    }

    /** The bytes of a small file, or null when it does not exist. */
    private byte[] getSmall(String url, int limit, String action) throws ExchangeException {
        try (InputStream in = dav.get(url)) {
            byte[] b = in.readNBytes(limit + 1);
            if (b.length > limit) {
                throw new ExchangeException(Kind.IO, relative(url) + " on exchange '" + config.name() + "' is larger than "
                        + limit + " bytes; refused");
            }
            return b;
        } catch (SardineException e) {
            if (e.getStatusCode() == 404) {
                return null;
            }
            throw failure(action, e);
        } catch (IOException e) {
            throw failure(action, e);
        }
    }

    /** Writes a small file under a temporary name and moves it over the old one. */
    private void putSmall(String relativePath, byte[] bytes, String action) throws ExchangeException {
        String target = config.url() + relativePath;
        String tmp = target + ".part";
        try {
            dav.put(tmp, new ByteArrayEntity(bytes, ContentType.APPLICATION_JSON), JSON_TYPE, false);
            dav.move(tmp, target, true);
        } catch (IOException e) {
            throw failure(action, e);
        }
    }

    private List<String> subfolders(String url, String action) throws ExchangeException {
        List<String> out = new ArrayList<>();
        try {
            String self = URI.create(url).getPath();
            for (DavResource r : dav.list(url, 1)) {
                String path = r.getHref().getPath();
                if (r.isDirectory() && !normalise(path).equals(normalise(self))) {
                    out.add(r.getName());
                }
            }
        } catch (IOException e) {
            throw failure(action, e);
        }
        out.sort(null);
        return out;
    }

    private static String normalise(String path) {
        return path.endsWith("/") ? path : path + "/";
    }

    private boolean exists(String url, String action) throws ExchangeException {
        try {
            return dav.exists(url);
        } catch (IOException e) {
            throw failure(action, e);
        }
    }

    private void ensureFolder(String url, String action) throws ExchangeException {
        if (exists(url, action)) {
            return;
        }
        try {
            dav.createDirectory(url);
        } catch (SardineException e) {
            if (e.getStatusCode() != 405) {
                throw failure(action, e);
            }
        } catch (IOException e) {
            throw failure(action, e);
        }
    }

    /** Turns a client failure into a message naming the exchange and the cause, never the password. */
    private ExchangeException failure(String action, IOException e) {
        String ex = "the exchange '" + config.name() + "'";
        if (e instanceof SardineException se) {
            int s = se.getStatusCode();
            return switch (s) {
                case 401 -> new ExchangeException(Kind.UNAUTHORIZED, ex + " refused the credentials (HTTP 401)"
                        + (config.hasCredentials() ? " of user '" + config.username() + "'" : "; it needs a user name and"
                                + " password") + " while " + action, e);
                case 403 -> new ExchangeException(Kind.FORBIDDEN, ex + " does not allow " + action
                        + " (HTTP 403); ask its administrator for access", e);
                case 404 -> new ExchangeException(Kind.NOT_FOUND, ex + " has no such file or folder while " + action
                        + " (HTTP 404); check its URL " + config.url(), e);
                default -> new ExchangeException(Kind.IO, ex + " answered HTTP " + s
                        + (se.getResponsePhrase() == null ? "" : " " + config.redact(se.getResponsePhrase()))
                        + " while " + action, e);
            };
        }
        if (e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException
                || e instanceof ConnectTimeoutException) {
            return new ExchangeException(Kind.UNREACHABLE, ex + " at " + config.url() + " cannot be reached ("
                    + describe(e) + "); check the URL, the network and that the server is running", e);
        }
        if (e instanceof InterruptedIOException) {
            return new ExchangeException(Kind.UNREACHABLE, ex + " at " + config.url() + " did not answer in time ("
                    + describe(e) + ") while " + action, e);
        }
        return new ExchangeException(Kind.IO, ex + ": " + action + " failed (" + describe(e) + ")", e);
    }

    private String describe(Throwable e) {
        String m = e.getMessage();
        return config.redact(e.getClass().getSimpleName() + (m == null ? "" : ": " + m));
    }

    @Override
    public void close() {
        try {
            dav.shutdown();
        } catch (IOException ignored) {
            // closing the connection pool cannot fail in a way that matters
        }
    }
}
