package org.exchangeai.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import de.siegmar.fastcsv.reader.CommentStrategy;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Turns the job's inputs into {@link ScanUnit}s on the driver: folders are listed recursively
 * (one unit per folder that holds files), files named on the command line or in a manifest are
 * taken one by one, in units of at most {@link #EXPLICIT_PER_UNIT} per folder.
 */
final class Inputs {

    static final int EXPLICIT_PER_UNIT = 1000;

    private Inputs() {
    }

    /** A file listed for reading, with its size when known (-1 otherwise). */
    private record Listed(String name, long size) {
    }

    static List<ScanUnit> units(List<String> paths, List<String> manifests, Configuration conf) throws IOException {
        List<ScanUnit> units = new ArrayList<>();
        Map<String, List<String>> explicit = new LinkedHashMap<>();
        for (String input : paths) {
            Path p = new Path(input);
            FileSystem fs = p.getFileSystem(conf);
            p = fs.makeQualified(p);
            FileStatus status;
            try {
                status = fs.getFileStatus(p);
            } catch (FileNotFoundException e) {
                // read like any other file, so the output says it was not found
                explicit.computeIfAbsent(p.getParent().toString(), k -> new ArrayList<>()).add(p.getName());
                continue;
            }
            if (status.isDirectory()) {
                units.addAll(folder(fs, p));
            } else {
                explicit.computeIfAbsent(p.getParent().toString(), k -> new ArrayList<>()).add(p.getName());
            }
        }
        for (String manifest : manifests) {
            for (Path p : manifest(new Path(manifest), conf)) {
                explicit.computeIfAbsent(p.getParent().toString(), k -> new ArrayList<>()).add(p.getName());
            }
        }
        explicit.forEach((folder, names) -> {
            for (int from = 0; from < names.size(); from += EXPLICIT_PER_UNIT) {
                List<String> chunk = names.subList(from, Math.min(names.size(), from + EXPLICIT_PER_UNIT));
                units.add(new ScanUnit(folder, folder, chunk, chunk.stream().map(n -> -1L).toList(), true, false));
            }
        });
        return units;
    }

    /** One unit per folder of the tree that holds files. */
    private static List<ScanUnit> folder(FileSystem fs, Path root) throws IOException {
        TreeMap<String, List<Listed>> byFolder = new TreeMap<>();
        if ("file".equals(fs.getScheme())) {
            // folder by folder: listFiles' LocatedFileStatus asks the local file system for permissions,
            // which without Hadoop's native library starts an "ls -ld" process per file
            java.util.ArrayDeque<Path> folders = new java.util.ArrayDeque<>(List.of(root));
            while (!folders.isEmpty()) {
                for (FileStatus s : fs.listStatus(folders.poll())) {
                    if (s.isDirectory()) {
                        folders.add(s.getPath());
                    } else {
                        byFolder.computeIfAbsent(s.getPath().getParent().toString(), k -> new ArrayList<>())
                                .add(new Listed(s.getPath().getName(), s.getLen()));
                    }
                }
            }
        } else {
            // object stores list a whole tree in a few paged requests
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
            while (it.hasNext()) {
                LocatedFileStatus s = it.next();
                byFolder.computeIfAbsent(s.getPath().getParent().toString(), k -> new ArrayList<>())
                        .add(new Listed(s.getPath().getName(), s.getLen()));
            }
        }
        byFolder.values().forEach(files -> files.sort(java.util.Comparator.comparing(Listed::name)));
        List<ScanUnit> units = new ArrayList<>();
        for (Map.Entry<String, List<Listed>> e : byFolder.entrySet()) {
            String below = byFolder.ceilingKey(e.getKey() + "/");
            boolean nested = below != null && below.startsWith(e.getKey() + "/");
            List<Listed> files = e.getValue();
            units.add(new ScanUnit(root.toString(), e.getKey(), files.stream().map(Listed::name).toList(),
                    files.stream().map(Listed::size).toList(), false, nested));
        }
        return units;
    }

    /**
     * The files of a manifest: a CSV whose column {@code path} (or {@code file}, {@code file_name};
     * else its first column) names one recording per row; relative paths are relative to the
     * manifest's folder. Lines starting with {@code #} are comments.
     */
    static List<Path> manifest(Path manifest, Configuration conf) throws IOException {
        FileSystem fs = manifest.getFileSystem(conf);
        Path base = fs.makeQualified(manifest).getParent();
        List<Path> out = new ArrayList<>();
        try (Reader in = new InputStreamReader(fs.open(manifest), StandardCharsets.UTF_8);
                CsvReader<CsvRecord> csv = CsvReader.builder().commentStrategy(CommentStrategy.SKIP).skipEmptyLines(true)
                        .allowExtraFields(true).allowMissingFields(true).ofCsvRecord(in)) {
            int column = 0;
            boolean first = true;
            for (CsvRecord rec : csv) {
                if (first) {
                    first = false;
                    int named = header(rec);
                    if (named >= 0) {
                        column = named;
                        continue;
                    }
                }
                if (column >= rec.getFieldCount() || rec.getField(column).isBlank()) {
                    continue;
                }
                Path p = new Path(rec.getField(column).trim());
                p = p.isAbsolute() || p.toUri().getScheme() != null ? p : new Path(base, p);
                out.add(p.getFileSystem(conf).makeQualified(p));
            }
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException("manifest " + manifest + " not found");
        }
        return out;
    }

    private static int header(CsvRecord rec) {
        for (int i = 0; i < rec.getFieldCount(); i++) {
            String f = rec.getField(i).trim().toLowerCase(Locale.ROOT);
            if (f.equals("path") || f.equals("file") || f.equals("file_name")) {
                return i;
            }
        }
        return -1;
    }
}
