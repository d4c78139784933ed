package org.exchangeai.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.archive.Archives;
import org.exchangeai.core.io.dicom.DicomReader;
import org.exchangeai.core.io.edf.EdfReader;
import org.exchangeai.core.io.ishne.IshneReader;
import org.exchangeai.core.io.mfer.MferReader;
import org.exchangeai.core.io.norav.NoravRdtReader;
import org.exchangeai.core.io.numeric.MatReader;
import org.exchangeai.core.io.numeric.NpyReader;
import org.exchangeai.core.io.numeric.RawDatReader;
import org.exchangeai.core.io.scp.ScpEcgReader;
import org.exchangeai.core.io.text.CsvReader;
import org.exchangeai.core.io.text.TextExportReader;
import org.exchangeai.core.io.vendorxml.Hl7AecgReader;
import org.exchangeai.core.io.vendorxml.MuseXmlReader;
import org.exchangeai.core.io.vendorxml.PhilipsXmlReader;
import org.exchangeai.core.io.vendorxml.SchillerXmlReader;
import org.exchangeai.core.io.vendorxml.StripDataXmlReader;
import org.exchangeai.core.io.wfdb.WfdbReader;

/** The registry of formats, detection by content, and reading of files and folders. */
public final class Formats {

    /** How many leading bytes {@link EcgFormat#detect} gets to see. */
    public static final int HEAD_BYTES = 64 * 1024;

    /** Most specific first: formats with magic bytes before those recognised by shape. */
    private static final List<EcgFormat> FORMATS = List.of(
            new DicomReader(),
            new IshneReader(),
            new ScpEcgReader(),
            new EdfReader(),
            new MferReader(),
            new NoravRdtReader(),
            new NpyReader(),
            new MatReader(),
            new MuseXmlReader(),
            new Hl7AecgReader(),
            new PhilipsXmlReader(),
            new StripDataXmlReader(),
            new SchillerXmlReader(),
            new WfdbReader(),
            new TextExportReader(),
            new CsvReader(),
            new RawDatReader()
    );

    private Formats() {
    }

    public static List<EcgFormat> all() {
        return FORMATS;
    }

    /** The format of {@code file}, judged by content; {@code null} when none recognises it. */
    public static EcgFormat detect(Path file) throws IOException {
        byte[] head = head(file);
        for (EcgFormat f : FORMATS) {
            if (f.detect(file, head)) {
                return f;
            }
        }
        return null;
    }

    /** Reads one file in whatever format it is. */
    public static Ecg read(Path file, ReadOptions options) throws EcgReadException {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new EcgReadException(name, Files.exists(file) ? "not a regular file" : "file not found");
        }
        EcgFormat format;
        try {
            if (Files.size(file) == 0) {
                throw new EcgReadException(name, "file is empty");
            }
            format = detect(file);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        if (format == null) {
            Ecg near = readResembling(file, options);
            if (near != null) {
                return near;
            }
            throw new EcgReadException(name, "not a recognised ECG format (" + describeHead(file) + ")");
        }
        return readAs(format, file, options);
    }

    /**
     * A file no format recognises may still look like one of them (a {@code .hea} whose record
     * line has a zero rate): reading it as that format gives the reason that names the field,
     * rather than "not a recognised ECG format".
     */
    private static Ecg readResembling(Path file, ReadOptions options) throws EcgReadException {
        byte[] head;
        try {
            head = head(file);
        } catch (IOException e) {
            return null;
        }
        for (EcgFormat f : FORMATS) {
            if (f.resembles(file, head)) {
                return readAs(f, file, options);
            }
        }
        return null;
    }

    private static Ecg readAs(EcgFormat format, Path file, ReadOptions options) throws EcgReadException {
        String name = file.toString();
        Ecg ecg;
        try {
            ecg = format.read(file, options);
        } catch (EcgReadException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            throw new EcgReadException(name, format.name() + " file too large to read into the memory available", e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new EcgReadException(name, "malformed " + format.name()
                    + " file: its structure is inconsistent (the reader met a value it could not place)", e);
        }
        ReadLimits.checkRate(name, format.name(), "the sampling rate", ecg.fs());
        return withAmplitudeWarning(ecg);
    }

    /** Adds the implausible-amplitude warning unless the reader already gave one about amplitudes. */
    private static Ecg withAmplitudeWarning(Ecg ecg) {
        for (String w : ecg.warnings()) {
            if (w.contains(" mV") && (w.contains("beyond") || w.contains("implausible"))) {
                return ecg;
            }
        }
        String warning = ReadLimits.amplitudeWarning(ecg.samples());
        if (warning == null) {
            return ecg;
        }
        return ecg.toBuilder().warning(warning).build();
    }

    /**
     * Reads files, folders (recursively) and archives. Each input gives one result per recording;
     * a file that fails gives an error result and the others are still read. Files that are part
     * of another recording (a WFDB header's signal files) and files that are clearly not
     * recordings (READMEs, label tables) are left out; see {@link #scan}.
     */
    public static List<ReadResult> readAll(List<Path> inputs, ReadOptions options) {
        List<ReadResult> out = new ArrayList<>();
        for (Scan.Entry entry : scan(inputs).recordings()) {
            out.addAll(readEntry(entry, options));
        }
        return out;
    }

    /**
     * Reads one scanned entry: one result, or one per recording inside a ZIP archive
     * (named {@code archive.zip!/entry}); a failure becomes an error result.
     */
    public static List<ReadResult> readEntry(Scan.Entry entry, ReadOptions options) {
        if (Files.isRegularFile(entry.file()) && Archives.isZip(entry.file())) {
            return Archives.readAll(entry.file(), entry.name(), options);
        }
        try {
            return List.of(new ReadResult(entry.name(), entry.file(), read(entry.file(), options), null));
        } catch (EcgReadException e) {
            return List.of(new ReadResult(entry.name(), entry.file(), null, e));
        }
    }

    /** Whether the file is an archive that {@link #readEntry} unpacks (a ZIP). */
    public static boolean isArchive(Path file) {
        return Files.isRegularFile(file) && Archives.isZip(file);
    }

    /** Which files of the inputs are recordings to read, and which were left out and why. */
    public static Scan scan(List<Path> inputs) {
        List<Path> files = new ArrayList<>();
        List<Scan.Entry> explicit = new ArrayList<>();
        java.util.Map<Path, Path> roots = new java.util.HashMap<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try {
                    for (Path f : walk(input)) {
                        files.add(f);
                        roots.put(f, input);
                    }
                } catch (IOException e) {
                    explicit.add(new Scan.Entry(input.toString(), input, input.getParent()));
                }
            } else {
                explicit.add(new Scan.Entry(input.toString(), input, input.toAbsolutePath().getParent()));
            }
        }
        Set<Path> claimed = new HashSet<>();
        List<Path> candidates = new ArrayList<>();
        List<Scan.Skipped> skipped = new ArrayList<>();
        for (Path f : files) {
            if (isAuxiliaryName(f)) {
                skipped.add(new Scan.Skipped(f, "not a recording (documentation or label file)"));
                continue;
            }
            EcgFormat format = null;
            try {
                format = detect(f);
            } catch (IOException ignored) {
                // reported when the file itself is read
            }
            if (format == null && isAuxiliary(f)) {
                // by content first: a .txt export of samples is a recording, a .txt note is not
                skipped.add(new Scan.Skipped(f, "not a recording (documentation or label file)"));
                continue;
            }
            candidates.add(f);
            if (format != null) {
                for (Path c : format.companions(f)) {
                    claimed.add(c.toAbsolutePath().normalize());
                }
            }
        }
        List<Scan.Entry> recordings = new ArrayList<>(explicit);
        for (Path f : candidates) {
            if (claimed.contains(f.toAbsolutePath().normalize())) {
                continue;
            }
            if (isTextTable(f)) {
                skipped.add(new Scan.Skipped(f, "a text table, not a signal"));
                continue;
            }
            recordings.add(new Scan.Entry(f.toString(), f, roots.get(f)));
        }
        return new Scan(recordings, skipped);
    }

    /**
     * The regular files under {@code dir}, sorted, following symbolic links (a folder given as a
     * link, or links inside it) but visiting a folder reached twice through a link cycle once.
     */
    private static List<Path> walk(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(dir, java.util.EnumSet.of(java.nio.file.FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                new java.nio.file.SimpleFileVisitor<>() {
                    @Override
                    public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a) {
                        if (a.isRegularFile()) {
                            out.add(file);
                        }
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }

                    @Override
                    public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                        // a link cycle or an unreadable entry: left out, the rest is still read
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }
                });
        out.sort(null);
        return out;
    }

    /** The outcome of {@link #scan}. */
    public record Scan(List<Entry> recordings, List<Skipped> skipped) {
        /**
         * @param name how the file is shown to the user
         * @param file the file to read
         * @param root the folder the user named (paths relative to it mirror the input layout)
         */
        public record Entry(String name, Path file, Path root) {
            /** The file's path relative to {@link #root}, or its file name when it has no root. */
            public Path relative() {
                if (root == null) {
                    return file.getFileName();
                }
                return root.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
            }
        }

        public record Skipped(Path file, String reason) {
        }
    }

    private static final Set<String> AUXILIARY_NAMES = Set.of(
            "readme", "license", "license.txt", "licence", "records", "annotators", "sha256sums.txt",
            "labels.csv", "metadata.csv", "index.jsonl", "reference.csv", "md5sums.txt");
    private static final Set<String> AUXILIARY_EXTENSIONS = Set.of(
            "md", "txt", "json", "jsonl", "png", "jpg", "jpeg", "gif", "pdf", "html", "htm", "py", "m", "ipynb",
            "log", "gitignore", "sh", "onnx", "des", "rtf", "doc", "docx", "xls", "xlsx", "ini", "cfg", "yaml", "yml",
            "toml");

    /** Files that are never recordings by their name: hidden files, READMEs, label tables. */
    static boolean isAuxiliaryName(Path f) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.startsWith(".") || AUXILIARY_NAMES.contains(name);
    }

    /**
     * Files that are usually not recordings: documentation, images, label tables by their usual
     * names and extensions. A folder scan still reads a file of such an extension when a format
     * recognises its content.
     */
    public static boolean isAuxiliary(Path f) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        if (isAuxiliaryName(f)) {
            return true;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 && AUXILIARY_EXTENSIONS.contains(name.substring(dot + 1));
    }

    /**
     * A delimited text file whose data rows hold words, such as a metadata or label table.
     * Signal tables hold numbers below an optional header row.
     */
    static boolean isTextTable(Path f) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!(name.endsWith(".csv") || name.endsWith(".tsv"))) {
            return false;
        }
        try {
            byte[] head = head(f);
            String text = new String(head, java.nio.charset.StandardCharsets.UTF_8);
            String[] lines = text.split("\r?\n");
            int words = 0;
            int rows = 0;
            for (int i = 1; i < lines.length - 1 && rows < 20; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                rows++;
                for (String cell : lines[i].split("[,;\t]")) {
                    String c = cell.trim().replace("\"", "");
                    if (!c.isEmpty() && !c.matches("[-+]?[0-9]*[.,]?[0-9]*([eE][-+]?[0-9]+)?|nan|NaN|NA")) {
                        words++;
                        break;
                    }
                }
            }
            return rows > 0 && words * 2 >= rows;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first {@link #HEAD_BYTES} bytes of a file (fewer when the file is shorter). */
    public static byte[] head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(HEAD_BYTES);
        }
    }

    private static String describeHead(Path file) {
        try {
            byte[] h = head(file);
            int printable = 0;
            int n = Math.min(h.length, 512);
            for (int i = 0; i < n; i++) {
                int b = h[i] & 0xff;
                if (b == 9 || b == 10 || b == 13 || (b >= 32 && b < 127)) {
                    printable++;
                }
            }
            return (printable * 10 >= n * 9 ? "text" : "binary") + " content, " + Files.size(file) + " bytes";
        } catch (IOException e) {
            return "unreadable";
        }
    }
}
