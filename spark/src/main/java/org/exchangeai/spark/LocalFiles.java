package org.exchangeai.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.exchangeai.core.io.Formats;

/**
 * Bridges Hadoop file systems (local, HDFS, S3A, ABFS ...) and the readers, which read local files:
 * files on the local file system are read where they are; others are copied to the task's scratch
 * folder first.
 */
final class LocalFiles {

    /** Files up to this size are copied whole into a scan view; larger ones as their head only. */
    static final long FULL_COPY_BYTES = 256 * 1024;

    private LocalFiles() {
    }

    static boolean isLocal(Path p, Configuration conf) throws IOException {
        return "file".equals(p.getFileSystem(conf).getScheme());
    }

    /** How a file is named in the output: its local path on the local file system, else its URI. */
    static String display(Path p) {
        URI u = p.toUri();
        return "file".equals(u.getScheme()) ? u.getPath() : p.toString();
    }

    static java.nio.file.Path toLocal(Path p) {
        return Paths.get(p.toUri());
    }

    /** A scratch folder of this JVM; deleted with {@link #deleteTree}. */
    static java.nio.file.Path scratch() throws IOException {
        return Files.createTempDirectory("exchangeai-archive-");
    }

    /** Copies a file whole. */
    static void copy(FileSystem fs, Path from, java.nio.file.Path to) throws IOException {
        Files.createDirectories(to.toAbsolutePath().getParent());
        try (InputStream in = fs.open(from); OutputStream out = Files.newOutputStream(to)) {
            in.transferTo(out);
        }
    }

    /**
     * Copies what detection and companion lookup need: small files whole; of a large file its
     * first {@link Formats#HEAD_BYTES} bytes, extended to the file's real size (sparse).
     */
    static void copyForScan(FileSystem fs, Path from, long size, java.nio.file.Path to) throws IOException {
        if (size < 0) {
            size = fs.getFileStatus(from).getLen();
        }
        if (size <= FULL_COPY_BYTES) {
            copy(fs, from, to);
            return;
        }
        Files.createDirectories(to.toAbsolutePath().getParent());
        byte[] head;
        try (InputStream in = fs.open(from)) {
            head = in.readNBytes(Formats.HEAD_BYTES);
        }
        try (RandomAccessFile f = new RandomAccessFile(to.toFile(), "rw")) {
            f.write(head);
            f.setLength(size);
        }
    }

    /** The reason a file could not be fetched, in the words {@code Formats.read} uses. */
    static String reason(IOException e) {
        return e instanceof FileNotFoundException ? "file not found" : "cannot be read: " + e.getMessage();
    }

    static void deleteTree(java.nio.file.Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(java.nio.file.Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(java.nio.file.Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("scratch folder " + dir + " could not be removed", e);
        }
    }
}
