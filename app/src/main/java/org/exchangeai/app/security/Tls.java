package org.exchangeai.app.security;

import io.javalin.config.JavalinConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** HTTPS for server mode: the only connector is a TLS one, from a PKCS#12 keystore or PEM files. */
public final class Tls {

    private Tls() {
    }

    /** Replaces the plain HTTP connector by a TLS connector on the same address and port. */
    public static void configure(JavalinConfig config, String host, int port, SecurityOptions.Tls tls) {
        KeyStore ks = keyStore(tls);
        config.jetty.addConnector((server, httpConfig) -> {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(ks);
            ssl.setKeyStorePassword(new String(password(tls)));
            HttpConfiguration https = new HttpConfiguration(httpConfig);
            SecureRequestCustomizer src = new SecureRequestCustomizer();
            // names are checked against the allow-list; a certificate for the public name must still work via localhost
            src.setSniHostCheck(false);
            https.addCustomizer(src);
            ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
            c.setHost(host);
            c.setPort(port);
            return c;
        });
    }

    private static char[] password(SecurityOptions.Tls tls) {
        return tls.password() == null ? new char[0] : tls.password();
    }

    /** Loads the keystore, or builds one from a PEM certificate chain and an unencrypted PKCS#8 key. */
    static KeyStore keyStore(SecurityOptions.Tls tls) {
        try {
            if (tls.keystore() != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(tls.keystore())) {
                    ks.load(in, password(tls));
                }
                return ks;
            }
            Collection<? extends Certificate> chain;
            try (InputStream in = Files.newInputStream(tls.certificate())) {
                chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(tls.certificate() + ": no certificate found (expected PEM 'BEGIN CERTIFICATE')");
            }
            PrivateKey key = pemKey(tls.key());
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, password(tls), chain.toArray(new Certificate[0]));
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            Path f = tls.keystore() != null ? tls.keystore() : tls.certificate();
            throw new IllegalArgumentException("cannot load the TLS certificate or key (" + f + "): " + e.getMessage(), e);
        }
    }

    private static PrivateKey pemKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IllegalArgumentException(file + ": expected an unencrypted PKCS#8 key ('BEGIN PRIVATE KEY');"
                    + " convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem");
        }
        String b64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"))
                .replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(b64);
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(file + ": the key is neither RSA, EC nor Ed25519");
    }
}
