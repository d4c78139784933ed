package org.exchangeai.core.io.wfdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * File names of a folder, sorted, remembered while the folder's modification time stays the
 * same: reading the 60 records of a folder of 840 files then lists it once, not 60 times. A
 * folder modified in the last two seconds is always listed again, so a file added within the
 * granularity of the folder's timestamp is never missed.
 */
final class FolderListing {

    private static final int MAX_FOLDERS = 32;
    private static final long SETTLE_MILLIS = 2000;

    private record Listing(FileTime modified, String[] names) {
    }

    private static final Map<Path, Listing> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Listing> eldest) {
            return size() > MAX_FOLDERS;
        }
    };

    private FolderListing() {
    }

    /** Names in {@code dir} that start with {@code prefix}, sorted; empty when the folder cannot be listed. */
    static List<String> namesStartingWith(Path dir, String prefix) {
        String[] names = names(dir);
        int from = Arrays.binarySearch(names, prefix);
        if (from < 0) {
            from = -from - 1;
        }
        int to = from;
        while (to < names.length && names[to].startsWith(prefix)) {
            to++;
        }
        return Arrays.asList(names).subList(from, to);
    }

    private static String[] names(Path dir) {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(dir);
        } catch (IOException e) {
            return new String[0];
        }
        synchronized (CACHE) {
            Listing l = CACHE.get(dir);
            // a folder changed within the last seconds may change again inside the timestamp's
            // granularity (whole seconds on some file systems): list it afresh
            boolean settled = System.currentTimeMillis() - modified.toMillis() > SETTLE_MILLIS;
            if (l != null && l.modified.equals(modified) && settled) {
                return l.names;
            }
        }
        String[] names = dir.toFile().list();
        if (names == null) {
            return new String[0];
        }
        Arrays.sort(names);
        synchronized (CACHE) {
            CACHE.put(dir, new Listing(modified, names));
        }
        return names;
    }
}
