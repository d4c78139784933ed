package org.exchangeai.spark;

import java.io.Serializable;
import java.util.List;

/**
 * Files of one folder that one task sorts into recordings.
 *
 * @param root     the input the files were found under (names in the output are relative to it)
 * @param folder   the folder holding the files
 * @param names    file names inside {@code folder}
 * @param sizes    their sizes in bytes, or -1 when not listed
 * @param explicit {@code true} for files named one by one (command line or manifest): each is a
 *                 recording, as when given to the command line; {@code false} for a folder's whole
 *                 content, sorted as the command line sorts a folder (companions claimed, label
 *                 tables and documentation skipped)
 * @param nested   whether the folder has sub-folders in the listing (they are scanned by their own units)
 */
record ScanUnit(String root, String folder, List<String> names, List<Long> sizes, boolean explicit, boolean nested)
        implements Serializable {

    ScanUnit {
        names = List.copyOf(names);
        sizes = List.copyOf(sizes);
    }
}
