package org.exchangeai.core.io.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadLimits;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.ReadResult;

/**
 * ZIP archives of recordings: unpacked safely into a temporary folder, then scanned like a folder.
 * Entries whose names leave the folder ({@code ../}, absolute paths) and entries larger than
 * {@link #MAX_ENTRY_BYTES} are not unpacked and are listed in {@link Expanded#refused()} with their
 * reason; archives with more than {@link #MAX_ENTRIES} entries or more than {@link #MAX_TOTAL_BYTES}
 * unpacked bytes (counted while unpacking) are refused whole. Results are named {@code archive.zip!/entry}. A {@code labels.csv} inside is exposed by
 * {@link Expanded#labels()}. Archives inside archives are not unpacked.
 */
public final class Archives {

    public static final int MAX_ENTRIES = 100_000;
    public static final long MAX_TOTAL_BYTES = 4L * 1024 * 1024 * 1024;
    /**
     * An entry larger than this is refused on its own (the others are still read): no recording
     * a reader accepts is stored in more (see {@link org.exchangeai.core.io.ReadLimits}).
     */
    public static final long MAX_ENTRY_BYTES = 1L << 30;

    private Archives() {
    }

    /** Whether the file starts with a ZIP local header ({@code PK\3\4}) or is an empty ZIP ({@code PK\5\6}). */
    public static boolean isZip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(4);
            return b.length == 4 && b[0] == 'P' && b[1] == 'K' && ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * An unpacked archive; {@link #close()} deletes the folder.
     *
     * @param archive    the archive
     * @param folder     where it was unpacked
     * @param recordings the recordings found, named {@code archive.zip!/entry}
     * @param skipped    entries that are not recordings
     * @param labels     the archive's {@code labels.csv} (the one nearest the root), or {@code null}
     * @param refused    entries that were not unpacked (path outside the folder, too large), each with
     *                   its reason; named {@code archive.zip!/entry}
     */
    public record Expanded(Path archive, Path folder, List<Formats.Scan.Entry> recordings,
                           List<Formats.Scan.Skipped> skipped, Path labels, List<ReadResult> refused)
            implements AutoCloseable {
        @Override
        public void close() {
            deleteTree(folder);
        }
    }

    /** Unpacks and scans an archive in the system's temporary folder. */
    public static Expanded expand(Path zip) throws EcgReadException {
        return expand(zip, null, MAX_TOTAL_BYTES, MAX_ENTRIES);
    }

    /**
     * Unpacks and scans an archive in a folder under {@code under}; a caller that empties that folder
     * on start leaves nothing behind when the process is killed while unpacking.
     */
    public static Expanded expand(Path zip, Path under) throws EcgReadException {
        return expand(zip, under, MAX_TOTAL_BYTES, MAX_ENTRIES);
    }

    static Expanded expand(Path zip, long maxBytes, int maxEntries) throws EcgReadException {
        return expand(zip, null, maxBytes, maxEntries);
    }

    private static Expanded expand(Path zip, Path under, long maxBytes, int maxEntries) throws EcgReadException {
        String name = zip.toString();
        Path dir;
        try {
            dir = under == null ? Files.createTempDirectory("exchangeai-zip-")
                    : Files.createTempDirectory(Files.createDirectories(under), "zip-");
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot create a folder to unpack into: " + e.getMessage(), e);
        }
        try {
            List<String[]> tooLarge = unpack(zip, dir, maxBytes, maxEntries);
            Formats.Scan scan = Formats.scan(List.of(dir));
            String display = zip.getFileName().toString();
            List<Formats.Scan.Entry> recordings = new ArrayList<>();
            for (Formats.Scan.Entry e : scan.recordings()) {
                recordings.add(new Formats.Scan.Entry(entryName(display, dir, e.file()), e.file(), dir));
            }
            Path labels = null;
            try (var walk = Files.walk(dir)) {
                labels = walk.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).equals("labels.csv"))
                        .min((a, b) -> Integer.compare(a.getNameCount(), b.getNameCount())).orElse(null);
            }
            List<ReadResult> refused = new ArrayList<>();
            for (String[] t : tooLarge) {
                String shown = display + "!/" + t[0];
                refused.add(new ReadResult(shown, dir.resolve(t[0]), null, new EcgReadException(shown, t[1])));
            }
            return new Expanded(zip, dir, recordings, scan.skipped(), labels, List.copyOf(refused));
        } catch (EcgReadException e) {
            deleteTree(dir);
            throw e;
        } catch (IOException e) {
            deleteTree(dir);
            throw new EcgReadException(name, "ZIP archive cannot be unpacked (the disk refused a write or a read: "
                    + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw new EcgReadException(name, "malformed ZIP archive: an entry cannot be unpacked", e);
        }
    }

    /** Unpacks every entry; returns the entries refused (path outside the folder, too large) as {name, reason}. */
    private static List<String[]> unpack(Path zip, Path dir, long maxBytes, int maxEntries)
            throws IOException, EcgReadException {
        List<String[]> tooLarge = new ArrayList<>();
        String name = zip.toString();
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            if (zf.size() > maxEntries) {
                throw new EcgReadException(name, "archive has " + zf.size() + " entries, more than the limit of " + maxEntries);
            }
            long total = 0;
            byte[] buf = new byte[1 << 16];
            Path root = dir.toAbsolutePath().normalize();
            Enumeration<? extends ZipEntry> entries = zf.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String entryName = e.getName().replace('\\', '/');
                Path target = root.resolve(entryName).normalize();
                if (entryName.startsWith("/") || !target.startsWith(root) || target.equals(root)) {
                    // nothing is written for it; the other entries are unpacked under the folder as usual
                    tooLarge.add(new String[] {entryName, "ZIP entry '" + e.getName()
                            + "' points outside the archive folder (an absolute or '../' path); refused, not unpacked"});
                    continue;
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                if (e.getSize() > MAX_ENTRY_BYTES) {
                    // the central directory states the size: refused without unpacking a byte
                    tooLarge.add(new String[] {entryName, entryTooLarge(e.getSize() + " bytes")});
                    continue;
                }
                Files.createDirectories(target.getParent());
                long entryBytes = 0;
                boolean refused = false;
                try (InputStream in = zf.getInputStream(e); OutputStream out = Files.newOutputStream(target)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        total += n;
                        entryBytes += n;
                        if (total > maxBytes) {
                            throw new EcgReadException(name, "ZIP archive unpacks to more than "
                                    + ReadLimits.bytes(maxBytes) + "; refused (limit for one archive)");
                        }
                        if (entryBytes > MAX_ENTRY_BYTES) {
                            refused = true;
                            break;
                        }
                        out.write(buf, 0, n);
                    }
                }
                if (refused) {
                    // the size stated in the archive was wrong: counted while unpacking
                    Files.deleteIfExists(target);
                    tooLarge.add(new String[] {entryName, entryTooLarge("more than " + MAX_ENTRY_BYTES + " bytes")});
                }
            }
        } catch (ZipException e) {
            throw new EcgReadException(name, "malformed ZIP archive: its directory or an entry is damaged", e);
        }
        return tooLarge;
    }

    private static String entryTooLarge(String size) {
        return "ZIP entry too large to read: it unpacks to " + size + ", more than the "
                + ReadLimits.bytes(MAX_ENTRY_BYTES) + " any readable recording is stored in; refused without unpacking";
    }

    /**
     * Reads every recording in an archive; results carry the {@code archive.zip!/entry} name, also
     * as the recording's source file. The unpacked files are deleted before returning.
     */
    public static List<ReadResult> readAll(Path zip, String displayName, ReadOptions options) {
        List<ReadResult> out = new ArrayList<>();
        Expanded x;
        try {
            x = expand(zip);
        } catch (EcgReadException e) {
            return List.of(new ReadResult(displayName, zip, null, new EcgReadException(displayName, e.reason(), e)));
        }
        try (x) {
            String prefix = displayName + "!/";
            String ownName = zip.getFileName().toString() + "!/";
            for (ReadResult r : x.refused()) {
                String shown = prefix + r.name().substring(ownName.length());
                out.add(new ReadResult(shown, r.file(), null, new EcgReadException(shown, r.error().reason())));
            }
            String own = zip.getFileName().toString() + "!/";
            for (Formats.Scan.Entry entry : x.recordings()) {
                String shown = prefix + entry.name().substring(own.length());
                try {
                    Ecg ecg = Formats.read(entry.file(), options);
                    SourceInfo s = ecg.source();
                    if (s != null) {
                        ecg = ecg.toBuilder().source(new SourceInfo(shown, s.format(), s.units(), s.gains(), s.baselines(),
                                s.originalFs(), s.notes(), s.device(), s.acquisitionTime(), s.properties())).build();
                    }
                    out.add(new ReadResult(shown, entry.file(), ecg, null));
                } catch (EcgReadException e) {
                    out.add(new ReadResult(shown, entry.file(), null, new EcgReadException(shown, e.reason(), e)));
                }
            }
        }
        return out;
    }

    private static String entryName(String archiveName, Path dir, Path file) {
        return archiveName + "!/" + dir.relativize(file).toString().replace('\\', '/');
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // a temporary folder left behind is not worth failing the read for
        }
    }
}
