package org.exchangeai.core.io;

import java.util.List;

/**
 * What a file cannot say about itself, given by the user. Each value may be {@code null}
 * (not given). Formats whose headers state a value ignore the option, unless documented.
 *
 * @param fs      sampling rate in Hz
 * @param units   units of the stored numbers ({@code mV}, {@code uV}, …)
 * @param adcGain digital units per unit of {@code units} (integers ÷ gain = physical value)
 * @param leads   lead names in the order the file stores them
 */
public record ReadOptions(Double fs, String units, Double adcGain, List<String> leads) {

    public static final ReadOptions DEFAULT = new ReadOptions(null, null, null, null);

    public ReadOptions {
        leads = leads == null ? null : List.copyOf(leads);
        if (fs != null && !(fs > 0)) {
            throw new IllegalArgumentException("sampling rate must be positive, got " + fs);
        }
        if (adcGain != null && (adcGain == 0 || adcGain.isNaN())) {
            throw new IllegalArgumentException("ADC gain must be non-zero, got " + adcGain);
        }
    }

    public ReadOptions withFs(Double value) {
        return new ReadOptions(value, units, adcGain, leads);
    }

    public ReadOptions withUnits(String value) {
        return new ReadOptions(fs, value, adcGain, leads);
    }

    public ReadOptions withAdcGain(Double value) {
        return new ReadOptions(fs, units, value, leads);
    }

    public ReadOptions withLeads(List<String> value) {
        return new ReadOptions(fs, units, adcGain, value);
    }

    /** The options that were given, as {@code key=value} text for recording in metadata. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (fs != null) {
            sb.append("fs=").append(fs).append(' ');
        }
        if (units != null) {
            sb.append("units=").append(units).append(' ');
        }
        if (adcGain != null) {
            sb.append("adcGain=").append(adcGain).append(' ');
        }
        if (leads != null) {
            sb.append("leads=").append(String.join(",", leads)).append(' ');
        }
        return sb.toString().trim();
    }
}
