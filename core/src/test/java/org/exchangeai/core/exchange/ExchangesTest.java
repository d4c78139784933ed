package org.exchangeai.core.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading exchange configurations from a file and environment variables. */
class ExchangesTest {

    @TempDir
    Path tmp;

    @Test
    void fileAndEnvironmentCombine() throws Exception {
        Path file = tmp.resolve("exchanges.json");
        Files.writeString(file, """
                {"default": "site-b",
                 "exchanges": {
                   "site-b": {"url": "https://dav.example.org/models", "username": "alice", "password": "from-file"},
                   "lab": {"url": "https://lab.example.org/dav/"}}}
                """);
        Exchanges ex = Exchanges.load(file, Map.of(
                "EXCHANGEAI_EXCHANGE_SITE_B_PASSWORD", "from-env",
                "EXCHANGEAI_EXCHANGE_EXTRA_URL", "http://10.1.2.3:8080/share/",
                "EXCHANGEAI_EXCHANGE_EXTRA_USER", "bob",
                "UNRELATED", "x"));
        ExchangeConfig b = ex.get(null);
        assertEquals("site-b", b.name());
        assertEquals("https://dav.example.org/models/", b.url().toString());
        assertEquals("alice", b.username());
        assertEquals("from-env", b.password());
        ExchangeConfig extra = ex.get("extra");
        assertEquals("bob", extra.username());
        assertNull(extra.password());
        assertTrue(extra.isInsecure());
        assertNull(ex.get("lab").username());
        assertEquals(3, ex.all().size());
        ExchangeException e = assertThrows(ExchangeException.class, () -> ex.get("nope"));
        assertTrue(e.getMessage().contains("no exchange named 'nope'"), e.getMessage());
    }

    @Test
    void passwordNeverInToStringAndUserInfoIsMovedOutOfTheUrl() throws Exception {
        ExchangeConfig c = ExchangeConfig.of("x", "https://carol:Top-Secret-99@dav.example.org:8443/m", null, null);
        assertEquals("carol", c.username());
        assertEquals("Top-Secret-99", c.password());
        assertEquals("https://dav.example.org:8443/m/", c.url().toString());
        assertFalse(c.toString().contains("Top-Secret-99"), c.toString());
        assertEquals("failed: ****", c.redact("failed: Top-Secret-99"));
    }

    @Test
    void maskingLeavesTheRestOfTheMessageIntact() throws Exception {
        // a one-letter password: "cannot be reached" once became "cannot ****e reached"
        ExchangeConfig b = ExchangeConfig.of("x", "https://dav.example.org/m", "carol", "b");
        assertEquals("https://dav.example.org/m/ cannot be reached", b.redact("https://dav.example.org/m/ cannot be reached"));
        assertEquals("https://carol:****@dav.example.org/ refused", b.redact("https://carol:b@dav.example.org/ refused"));
        assertEquals("login with password=**** failed", b.redact("login with password=b failed"));
        ExchangeConfig longer = ExchangeConfig.of("x", "https://dav.example.org/m", "carol", "hunter22");
        assertEquals("bad credentials '****' (hunter223 is another word)",
                longer.redact("bad credentials 'hunter22' (hunter223 is another word)"));
    }

    @Test
    void noConfigurationSaysHowToConfigure() throws Exception {
        Exchanges ex = Exchanges.load(tmp.resolve("absent.json"), Map.of());
        ExchangeException e = assertThrows(ExchangeException.class, () -> ex.get(null));
        assertEquals(ExchangeException.Kind.CONFIGURATION, e.kind());
        assertTrue(e.getMessage().contains("EXCHANGEAI_EXCHANGE_<NAME>_URL"), e.getMessage());
        assertThrows(ExchangeException.class, () -> ExchangeConfig.of("Bad Name", "https://h/", null, null));
        assertThrows(ExchangeException.class, () -> ExchangeConfig.of("ok", "ftp://h/", null, null));
    }
}
