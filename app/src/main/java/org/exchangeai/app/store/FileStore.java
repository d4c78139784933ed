package org.exchangeai.app.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content-addressed files: each is stored once under its SHA-256. A file is written to a
 * temporary name, forced to disk, then renamed into place, so a crash never leaves a partial
 * file under a real name.
 */
public final class FileStore {

    private final Path root;
    private final Path tmp;

    FileStore(Path root, Path tmp) {
        this.root = root;
        this.tmp = tmp;
    }

    /** Stores the bytes and returns their SHA-256 (hex). */
    public String put(byte[] bytes) throws IOException {
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            return put(in);
        }
    }

    /** Stores the stream's bytes and returns their SHA-256 (hex). */
    public String put(InputStream in) throws IOException {
        Path temp = Files.createTempFile(tmp, "put-", ".part");
        try {
            MessageDigest md = sha256();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), md)) {
                in.transferTo(out);
            }
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            String sha = HexFormat.of().formatHex(md.digest());
            Path target = path(sha);
            if (Files.exists(target)) {
                return sha;
            }
            Files.createDirectories(target.getParent());
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return sha;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Where the file with this hash lives (it may not exist). */
    public Path path(String sha) {
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256: " + sha);
        }
        return root.resolve(sha.substring(0, 2)).resolve(sha.substring(2));
    }

    public boolean has(String sha) {
        return Files.isRegularFile(path(sha));
    }

    public byte[] read(String sha) throws IOException {
        return Files.readAllBytes(path(sha));
    }

    /** Removes temporary files and unpacked archives a crash left behind. */
    void cleanTemporary() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
            for (Path p : ds) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    try (var walk = Files.walk(p)) {
                        for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(q);
                        }
                    }
                } else {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
