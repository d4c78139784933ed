package org.exchangeai.core.io;

import java.nio.file.Path;
import org.exchangeai.core.ecg.Ecg;

/**
 * The outcome of reading one input of a batch: a recording or the reason it failed.
 *
 * @param name  how the input is shown to the user (path as given, or {@code archive.zip!/entry})
 * @param file  the file that was read (inside an unpacked archive for archive entries)
 * @param ecg   the recording, or {@code null} when reading failed
 * @param error the failure, or {@code null}
 */
public record ReadResult(String name, Path file, Ecg ecg, EcgReadException error) {

    public boolean ok() {
        return error == null;
    }
}
