package org.exchangeai.spark;

import java.io.Serializable;
import java.util.List;
import org.exchangeai.core.io.ReadOptions;

/**
 * What an archive job does, as given on its command line; travels to the executors.
 *
 * @param fs          sampling rate for files that do not state one ({@link ReadOptions}), or {@code null}
 * @param units       units of header-less values, or {@code null}
 * @param adcGain     digital units per unit for header-less integer files, or {@code null}
 * @param leads       lead names in stored order, or {@code null}
 * @param analyse     whether R peaks and the global measurements are computed
 * @param signals     whether the harmonised samples are written with each row
 * @param batch       recordings per inference batch
 * @param modelThreads ONNX Runtime intra-op threads per task (Spark already runs one task per core)
 * @param copyToLocal whether recordings on the local file system are also copied to the task's
 *                    scratch folder before reading (always done for other file systems)
 */
public record ArchiveOptions(Double fs, String units, Double adcGain, List<String> leads, boolean analyse,
        boolean signals, int batch, int modelThreads, boolean copyToLocal) implements Serializable {

    public static final ArchiveOptions DEFAULT = new ArchiveOptions(null, null, null, null, true, false, 32, 1, false);

    public ArchiveOptions {
        leads = leads == null ? null : List.copyOf(leads);
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (modelThreads < 0) {
            throw new IllegalArgumentException("model threads must not be negative, got " + modelThreads);
        }
        readOptions();
    }

    /** The same options the command line's {@code --fs --units --adc-gain --leads} give. */
    public ReadOptions readOptions() {
        return new ReadOptions(fs, units, adcGain, leads);
    }

    public ArchiveOptions withAnalyse(boolean value) {
        return new ArchiveOptions(fs, units, adcGain, leads, value, signals, batch, modelThreads, copyToLocal);
    }

    public ArchiveOptions withSignals(boolean value) {
        return new ArchiveOptions(fs, units, adcGain, leads, analyse, value, batch, modelThreads, copyToLocal);
    }

    public ArchiveOptions withBatch(int value) {
        return new ArchiveOptions(fs, units, adcGain, leads, analyse, signals, value, modelThreads, copyToLocal);
    }

    public ArchiveOptions withCopyToLocal(boolean value) {
        return new ArchiveOptions(fs, units, adcGain, leads, analyse, signals, batch, modelThreads, value);
    }
}
