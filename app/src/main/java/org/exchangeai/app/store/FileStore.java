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

    /** Default bound of the objects of one workspace (the system property {@code exchangeai.quotaMiB} changes it). */
    public static final long DEFAULT_QUOTA_BYTES = 50L << 30;

    private final Path root;
    private final Path tmp;
    private final long quota;
    /** Bytes of the stored objects, counted at open and kept up to date by put and delete. */
    private final java.util.concurrent.atomic.AtomicLong used = new java.util.concurrent.atomic.AtomicLong();
    /**
     * Held shared by whoever stores an object and then refers to it in the database, and exclusively
     * by clean-up, so that clean-up never removes an object between its storing and its reference.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock references =
            new java.util.concurrent.locks.ReentrantReadWriteLock();

    FileStore(Path root, Path tmp) {
        this.root = root;
        this.tmp = tmp;
        this.quota = quotaFromProperty();
    }

    private static long quotaFromProperty() {
        String p = System.getProperty("exchangeai.quotaMiB");
        if (p != null) {
            try {
                return Math.max(1, Long.parseLong(p.trim())) << 20;
            } catch (NumberFormatException ignored) {
                // the default stays
            }
        }
        return DEFAULT_QUOTA_BYTES;
    }

    /** Bytes the stored objects take. */
    public long used() {
        return used.get();
    }

    /** The most the stored objects may take. */
    public long quota() {
        return quota;
    }

    /** Refuses, before anything is written, to store {@code bytes} more when they would exceed the quota. */
    public void checkRoom(long bytes, String what) throws QuotaExceededException {
        if (used.get() + bytes > quota) {
            throw new QuotaExceededException(what, bytes, used.get(), quota);
        }
    }

    /** The lock to hold (shared) from storing an object until its database row refers to it. */
    public java.util.concurrent.locks.Lock referencing() {
        return references.readLock();
    }

    /** The lock clean-up holds: no object is being stored and referenced meanwhile. */
    java.util.concurrent.locks.Lock cleaning() {
        return references.writeLock();
    }

    /** Counts the stored objects' bytes (at open). */
    void countUsage() throws IOException {
        long total = 0;
        if (Files.isDirectory(root)) {
            try (var walk = Files.walk(root)) {
                for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                    total += Files.size(p);
                }
            }
        }
        used.set(total);
    }

    /** Every stored object's hash. */
    java.util.List<String> all() throws IOException {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (var walk = Files.walk(root, 2)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String sha = p.getParent().getFileName().toString() + p.getFileName();
                if (sha.matches("[0-9a-f]{64}")) {
                    out.add(sha);
                }
            }
        }
        return out;
    }

    /** Removes an object; returns the bytes freed (0 when it was not there). */
    long delete(String sha) throws IOException {
        Path p = path(sha);
        long size;
        try {
            size = Files.size(p);
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        }
        if (Files.deleteIfExists(p)) {
            used.addAndGet(-size);
            return size;
        }
        return 0;
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
            long size = Files.size(temp);
            checkRoom(size, "this file");
            Files.createDirectories(target.getParent());
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            used.addAndGet(size);
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
