package org.exchangeai.core.exchange;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** SHA-256 and size checks: a model file is accepted only when both match what its card says. */
public final class Integrity {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private Integrity() {
    }

    /** A fresh SHA-256 digest (every Java runtime has one). */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the Java runtime has no SHA-256", e);
        }
    }

    /** The SHA-256 of a file as 64 lower-case hex digits. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = newDigest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return hex(md.digest());
    }

    public static String sha256(byte[] bytes) {
        return hex(newDigest().digest(bytes));
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** True for 64 lower-case hex digits. */
    public static boolean isSha256(String s) {
        return s != null && SHA256.matcher(s).matches();
    }

    /**
     * Compares a received size and digest with the expected ones.
     *
     * @return empty when both match, else the reason, naming expected and actual values
     */
    public static Optional<String> mismatch(long actualSize, String actualSha256, long expectedSize, String expectedSha256) {
        if (actualSize != expectedSize) {
            return Optional.of("size is " + actualSize + " bytes but the card says " + expectedSize);
        }
        if (!actualSha256.toLowerCase(Locale.ROOT).equals(expectedSha256.toLowerCase(Locale.ROOT))) {
            return Optional.of("SHA-256 is " + actualSha256 + " but the card says " + expectedSha256);
        }
        return Optional.empty();
    }

    /** Checks a file on disk against an expected size and digest. */
    public static Optional<String> mismatch(Path file, long expectedSize, String expectedSha256) throws IOException {
        long size = Files.size(file);
        if (size != expectedSize) {
            return Optional.of("size is " + size + " bytes but the card says " + expectedSize);
        }
        return mismatch(size, sha256(file), expectedSize, expectedSha256);
    }
}
