package org.exchangeai.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One recording's files, kept together so that a task reads the record whole.
 *
 * @param file       the file that is read (a WFDB header, an XML file, a ZIP archive ...), as a URI
 * @param companions the other files the reader needs (signal, segment and annotation files), as URIs
 * @param path       how the recording is named in the output: the local path for the local file
 *                   system, else the URI
 * @param name       the path relative to the input it was found under (as label tables name files)
 */
record RecordingGroup(String file, List<String> companions, String path, String name) implements Serializable {

    RecordingGroup {
        companions = List.copyOf(companions);
    }
}
