package org.exchangeai.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.Formats;

/**
 * Sorts the files of a {@link ScanUnit} into recordings with their companion files, exactly as the
 * command line's folder scan ({@link Formats#scan}) does, so that each recording travels to a task
 * whole. Runs in the tasks of the scan stage.
 */
final class Grouping {

    /** The recordings of a unit and how many of its files were left out as not recordings. */
    record Result(List<RecordingGroup> groups, int skipped) {
    }

    private Grouping() {
    }

    static Result of(ScanUnit unit, Configuration conf, boolean copyToLocal) throws IOException {
        Path folder = new Path(unit.folder());
        FileSystem fs = folder.getFileSystem(conf);
        boolean local = "file".equals(fs.getScheme()) && !copyToLocal;
        return unit.explicit() ? explicit(unit, fs, folder, local) : folder(unit, fs, folder, local);
    }

    private static Result folder(ScanUnit unit, FileSystem fs, Path folder, boolean local) throws IOException {
        java.nio.file.Path view = null;
        try {
            java.nio.file.Path scanDir;
            if (local && !unit.nested()) {
                scanDir = LocalFiles.toLocal(folder);
            } else {
                // a view of this folder's own files: sub-folders are units of their own
                view = LocalFiles.scratch();
                for (int i = 0; i < unit.names().size(); i++) {
                    Path file = new Path(folder, unit.names().get(i));
                    java.nio.file.Path target = view.resolve(unit.names().get(i));
                    if (local) {
                        java.nio.file.Files.createSymbolicLink(target, LocalFiles.toLocal(file));
                    } else {
                        LocalFiles.copyForScan(fs, file, unit.sizes().get(i), target);
                    }
                }
                scanDir = view;
            }
            Formats.Scan scan = Formats.scan(List.of(scanDir));
            List<RecordingGroup> groups = new ArrayList<>();
            for (Formats.Scan.Entry e : scan.recordings()) {
                Path file = back(scanDir, folder, e.file());
                List<String> companions = new ArrayList<>();
                for (java.nio.file.Path c : companions(e.file())) {
                    companions.add(back(scanDir, folder, c).toString());
                }
                groups.add(new RecordingGroup(file.toString(), companions, LocalFiles.display(file), relative(unit.root(), file)));
            }
            return new Result(groups, scan.skipped().size());
        } finally {
            LocalFiles.deleteTree(view);
        }
    }

    private static Result explicit(ScanUnit unit, FileSystem fs, Path folder, boolean local) throws IOException {
        List<RecordingGroup> groups = new ArrayList<>();
        for (String name : unit.names()) {
            Path file = new Path(folder, name);
            List<String> companions = new ArrayList<>();
            if (local) {
                for (java.nio.file.Path c : companions(LocalFiles.toLocal(file))) {
                    companions.add(new Path(c.toUri()).toString());
                }
            } else {
                companions.addAll(remoteCompanions(fs, folder, name));
            }
            groups.add(new RecordingGroup(file.toString(), companions, LocalFiles.display(file), name));
        }
        return new Result(groups, 0);
    }

    /**
     * Companions of a file on a remote file system: its siblings that share its stem (the name up to
     * the first dot: a WFDB record's signal, segment and annotation files) are fetched for the
     * lookup, the folder is not listed whole.
     */
    private static List<String> remoteCompanions(FileSystem fs, Path folder, String name) throws IOException {
        int dot = name.indexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        FileStatus[] siblings = fs.globStatus(new Path(folder, escapeGlob(stem) + "*"));
        if (siblings == null || siblings.length == 0) {
            return List.of();
        }
        java.nio.file.Path view = LocalFiles.scratch();
        try {
            for (FileStatus s : siblings) {
                if (s.isFile()) {
                    LocalFiles.copyForScan(fs, s.getPath(), s.getLen(), view.resolve(s.getPath().getName()));
                }
            }
            List<String> out = new ArrayList<>();
            for (java.nio.file.Path c : companions(view.resolve(name))) {
                out.add(back(view, folder, c).toString());
            }
            return out;
        } finally {
            LocalFiles.deleteTree(view);
        }
    }

    private static List<java.nio.file.Path> companions(java.nio.file.Path file) {
        try {
            if (!java.nio.file.Files.isRegularFile(file)) {
                return List.of();
            }
            EcgFormat format = Formats.detect(file);
            return format == null ? List.of() : format.companions(file);
        } catch (IOException | RuntimeException e) {
            // the file's own read reports what is wrong with it
            return List.of();
        }
    }

    /** The file in {@code folder} that {@code local} (inside {@code scanDir}) stands for. */
    private static Path back(java.nio.file.Path scanDir, Path folder, java.nio.file.Path local) {
        String rel = scanDir.toAbsolutePath().normalize().relativize(local.toAbsolutePath().normalize()).toString()
                .replace('\\', '/');
        return new Path(folder, rel);
    }

    /** The path of {@code file} below {@code root}, or its file name when it is not below it. */
    static String relative(String root, Path file) {
        String r = new Path(root).toUri().getPath();
        String f = file.toUri().getPath();
        String prefix = r.endsWith("/") ? r : r + "/";
        return f.startsWith(prefix) ? f.substring(prefix.length()) : file.getName();
    }

    private static String escapeGlob(String s) {
        return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }
}
