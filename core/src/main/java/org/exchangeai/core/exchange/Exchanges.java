package org.exchangeai.core.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The exchanges configured on this machine, from a JSON file (default {@code ~/.exchangeai/exchanges.json})
 * and environment variables {@code EXCHANGEAI_EXCHANGE_<NAME>_URL}, {@code _USER}, {@code _PASSWORD}.
 * A variable overrides the file's value for the same exchange ({@code <NAME>} is the name in upper
 * case with '-' written as '_'). The file looks like:
 *
 * <pre>{@code
 * { "default": "site-b",
 *   "exchanges": { "site-b": { "url": "https://dav.example.org/models/", "username": "alice", "password": "..." } } }
 * }</pre>
 */
public final class Exchanges {

    public static final String ENV_PREFIX = "EXCHANGEAI_EXCHANGE_";

    private static final System.Logger LOG = System.getLogger(Exchanges.class.getName());

    private final Map<String, ExchangeConfig> byName;
    private final String defaultName;
    private final Path file;

    private Exchanges(Map<String, ExchangeConfig> byName, String defaultName, Path file) {
        this.byName = byName;
        this.defaultName = defaultName;
        this.file = file;
    }

    /** The default configuration file under a home folder. */
    public static Path defaultFile(Path home) {
        return home.resolve(".exchangeai").resolve("exchanges.json");
    }

    /** Reads the file (absent is fine) and the environment. */
    public static Exchanges load(Path file, Map<String, String> env) throws ExchangeException {
        Map<String, String[]> raw = new TreeMap<>();
        Map<String, Long> timeouts = new TreeMap<>();
        String defaultName = null;
        if (file != null && Files.isRegularFile(file)) {
            JsonNode root;
            try {
                root = ExchangeCard.JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new ExchangeException(ExchangeException.Kind.CONFIGURATION, file + " is not readable JSON: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
            JsonNode ex = root == null ? null : root.get("exchanges");
            if (ex == null || !ex.isObject()) {
                throw new ExchangeException(ExchangeException.Kind.CONFIGURATION, file
                        + " has no \"exchanges\" object (see docs/exchange.md)");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = ex.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                raw.put(e.getKey(), new String[] {text(v, "url"), text(v, "username") != null ? text(v, "username")
                        : text(v, "user"), text(v, "password")});
                if (v.hasNonNull("timeout_seconds")) {
                    timeouts.put(e.getKey(), v.get("timeout_seconds").asLong());
                }
            }
            if (root.hasNonNull("default")) {
                defaultName = root.get("default").asText();
            }
            warnIfReadableByOthers(file);
        }
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String k = e.getKey();
            if (k.startsWith(ENV_PREFIX) && k.endsWith("_URL") && k.length() > ENV_PREFIX.length() + 4) {
                String envName = k.substring(ENV_PREFIX.length(), k.length() - 4);
                String name = raw.keySet().stream().filter(n -> envKey(n).equals(envName)).findFirst()
                        .orElse(envName.toLowerCase(Locale.ROOT));
                raw.computeIfAbsent(name, n -> new String[3]);
            }
        }
        Map<String, ExchangeConfig> out = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> e : raw.entrySet()) {
            String name = e.getKey();
            String[] v = e.getValue();
            String prefix = ENV_PREFIX + envKey(name);
            String url = env.getOrDefault(prefix + "_URL", v[0]);
            String user = env.getOrDefault(prefix + "_USER", v[1]);
            String pass = env.getOrDefault(prefix + "_PASSWORD", v[2]);
            Duration timeout = Duration.ofSeconds(Math.max(1, timeouts.getOrDefault(name, 60L)));
            out.put(name, ExchangeConfig.of(name, url, user, pass, timeout));
        }
        if (defaultName != null && !out.containsKey(defaultName)) {
            throw new ExchangeException(ExchangeException.Kind.CONFIGURATION, file + " names '" + defaultName
                    + "' as the default exchange but configures only " + out.keySet());
        }
        return new Exchanges(out, defaultName, file);
    }

    /** The environment-variable form of an exchange name: upper case, '-' as '_'. */
    public static String envKey(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
                LOG.log(System.Logger.Level.WARNING, "{0} holds exchange passwords and is readable by other users;"
                        + " restrict it with: chmod 600 {0}", file);
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // permissions cannot be read here; nothing to warn about
        }
    }

    public List<ExchangeConfig> all() {
        return new ArrayList<>(byName.values());
    }

    /**
     * The named exchange; with {@code name} null, the default one, or the only one configured.
     * Throws a {@link ExchangeException.Kind#CONFIGURATION} error saying how to configure it otherwise.
     */
    public ExchangeConfig get(String name) throws ExchangeException {
        String howTo = " (configure it in " + (file == null ? "the exchanges file" : file.toString()) + " or with "
                + ENV_PREFIX + "<NAME>_URL, _USER and _PASSWORD)";
        if (name == null) {
            if (defaultName != null) {
                return byName.get(defaultName);
            }
            if (byName.size() == 1) {
                return byName.values().iterator().next();
            }
            if (byName.isEmpty()) {
                throw new ExchangeException(ExchangeException.Kind.CONFIGURATION, "no exchange is configured" + howTo);
            }
            throw new ExchangeException(ExchangeException.Kind.CONFIGURATION, "several exchanges are configured "
                    + byName.keySet() + "; choose one with --exchange NAME or set \"default\"");
        }
        ExchangeConfig c = byName.get(name);
        if (c == null) {
            throw new ExchangeException(ExchangeException.Kind.CONFIGURATION, "no exchange named '" + name
                    + "' is configured" + (byName.isEmpty() ? "" : "; known: " + byName.keySet()) + howTo);
        }
        return c;
    }
}
