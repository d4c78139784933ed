package org.exchangeai.core.pretrain;

import java.util.ArrayList;
import java.util.List;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.ReadResult;

/**
 * Where the signals of corpus items come from: files on disk by default, or any store that can hand
 * out recordings one at a time (the web platform's workspace).
 */
@FunctionalInterface
public interface RecordingSource {

    /**
     * The recordings of one item (an archive may hold several).
     *
     * @throws Exception naming what is wrong; the item is then left out of the run
     */
    List<Ecg> read(Corpus.Item item) throws Exception;

    /** Items are files (or archives) read by content with {@code options}. */
    static RecordingSource files(ReadOptions options) {
        return item -> {
            if (Formats.isArchive(item.file())) {
                List<Ecg> out = new ArrayList<>();
                List<String> errors = new ArrayList<>();
                for (ReadResult r : Formats.readEntry(new Formats.Scan.Entry(item.name(), item.file(), null), options)) {
                    if (r.ok()) {
                        out.add(r.ecg());
                    } else {
                        errors.add(r.error().getMessage());
                    }
                }
                if (out.isEmpty() && !errors.isEmpty()) {
                    throw new EcgReadException(item.name(), String.join("; ", errors));
                }
                return out;
            }
            return List.of(Formats.read(item.file(), options));
        };
    }
}
