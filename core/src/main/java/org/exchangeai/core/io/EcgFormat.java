package org.exchangeai.core.io;

import java.nio.file.Path;
import java.util.List;
import org.exchangeai.core.ecg.Ecg;

/** One file format: recognises its files by content and reads them into an {@link Ecg}. */
public interface EcgFormat {

    /** Short name shown to users, e.g. {@code WFDB}, {@code DICOM}. */
    String name();

    /**
     * Whether {@code file} is of this format, judged mainly from {@code head} (the first bytes of
     * the file, up to {@link Formats#HEAD_BYTES}); the name may break ties between formats whose
     * content looks alike.
     */
    boolean detect(Path file, byte[] head);

    /**
     * Whether a file that {@link #detect} refused still looks like this format (its name or first
     * bytes), so that reading it as this format explains which field is wrong. Formats that
     * recognise every file of theirs by a magic number need not override it.
     */
    default boolean resembles(Path file, byte[] head) {
        return false;
    }

    /**
     * Other files this recording reads besides {@code file} (a WFDB header's signal and
     * annotation files), so that a folder scan does not read them again on their own.
     */
    default List<Path> companions(Path file) {
        return List.of();
    }

    /** Reads the recording. Every failure is an {@link EcgReadException} naming the file. */
    Ecg read(Path file, ReadOptions options) throws EcgReadException;
}
