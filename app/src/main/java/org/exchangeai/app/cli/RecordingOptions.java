package org.exchangeai.app.cli;

import java.util.Arrays;
import java.util.List;
import org.exchangeai.core.io.ReadOptions;
import picocli.CommandLine.Option;

/** Options for what a file cannot say, shared by every command that reads recordings. */
public final class RecordingOptions {

    @Option(names = "--fs", paramLabel = "HZ", description = "Sampling rate for files that do not state one.")
    Double fs;

    @Option(names = "--units", paramLabel = "UNIT", description = "Units of header-less values: mV, uV, V, or adu with --adc-gain.")
    String units;

    @Option(names = "--adc-gain", paramLabel = "GAIN", description = "Digital units per unit for header-less integer files.")
    Double adcGain;

    @Option(names = "--leads", paramLabel = "NAMES", description = "Comma-separated lead names in stored order, e.g. I,II,III,aVR,...")
    String leads;

    public ReadOptions toReadOptions() {
        List<String> leadList = leads == null ? null : Arrays.stream(leads.split(",")).map(String::trim).toList();
        return new ReadOptions(fs, units, adcGain, leadList);
    }
}
