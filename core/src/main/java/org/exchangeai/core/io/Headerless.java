package org.exchangeai.core.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.ecg.Units;

/**
 * Shared rules for files that do not state their sampling rate, units or lead names (CSV, NPY,
 * standalone MATLAB matrices, header-less raw {@code .dat}): what {@link ReadOptions} supply, and
 * the documented fallbacks when they do not.
 */
public final class Headerless {

    /**
     * Sample counts of a 10-second clinical ECG and the rate they imply. Used only when no rate
     * is given, and always with a warning.
     */
    public static final int[][] TEN_SECOND_RATES = {{1000, 100}, {2500, 250}, {5000, 500}};

    /** Above this many mV a value is no plausible ECG amplitude (same threshold as the original platform's µV check). */
    public static final double IMPLAUSIBLE_MV = 100;

    private Headerless() {
    }

    /** A sampling rate and, when it was assumed rather than given, the warning that says so. */
    public record Rate(double fs, String warning) {
    }

    /**
     * The rate from {@code --fs}; else the 10-second rule ({@link #TEN_SECOND_RATES}); else an
     * error asking for {@code --fs}.
     */
    public static Rate rate(String file, ReadOptions options, int samples) throws EcgReadException {
        if (options != null && options.fs() != null) {
            return new Rate(options.fs(), null);
        }
        for (int[] r : TEN_SECOND_RATES) {
            if (r[0] == samples) {
                return new Rate(r[1], "sampling rate not stored in the file: assumed " + r[1] + " Hz because "
                        + samples + " samples make a 10-s clinical ECG at that rate; pass --fs if this is wrong");
            }
        }
        throw new EcgReadException(file, "sampling rate unknown: pass --fs (the file does not store it and "
                + samples + " samples is not a 10-s recording at 100, 250 or 500 Hz)");
    }

    /**
     * Millivolts per stored number: {@code --units} (default {@code defaultUnits}) divided by
     * {@code --adc-gain} (default 1). Units {@code adu} (device units) require a gain and mean
     * gain units per mV.
     */
    public static double millivoltsPerValue(String file, ReadOptions options, String defaultUnits, double defaultGain)
            throws EcgReadException {
        String units = options != null && options.units() != null ? options.units() : null;
        Double gain = options != null ? options.adcGain() : null;
        if (units == null) {
            units = defaultUnits;
        }
        if (gain == null) {
            gain = defaultGain;
        }
        String u = units.trim().toLowerCase(Locale.ROOT);
        if (u.equals("adu") || u.equals("counts") || u.equals("digital")) {
            if (options == null || options.adcGain() == null) {
                throw new EcgReadException(file, "units '" + units + "' need --adc-gain (device units per mV)");
            }
            units = "mV";
        }
        try {
            return Units.millivoltsPer(units) / gain;
        } catch (IllegalArgumentException e) {
            throw new EcgReadException(file, e.getMessage());
        }
    }

    /** How the options describe the stored numbers, for {@code SourceInfo.units}. */
    public static String storedUnits(ReadOptions options, String defaultUnits) {
        if (options != null && options.adcGain() != null) {
            return "adu";
        }
        return options != null && options.units() != null ? options.units() : defaultUnits;
    }

    /**
     * Lead names for {@code count} unnamed columns: {@code --leads}; else the standard 12 for 12,
     * I, II, V1–V6 for 8 (the common 8 independent leads); else {@code ch1…chN} with a warning.
     */
    public static List<String> leadNames(String file, ReadOptions options, int count, List<String> warnings)
            throws EcgReadException {
        if (options != null && options.leads() != null) {
            if (options.leads().size() != count) {
                throw new EcgReadException(file, "--leads names " + options.leads().size() + " leads but the file has "
                        + count);
            }
            return options.leads();
        }
        if (count == 12) {
            warnings.add("lead names not stored in the file: the 12 leads are read in the standard order I, II, III, "
                    + "aVR, aVL, aVF, V1-V6; pass --leads if the order differs");
            return LeadNames.STANDARD_12;
        }
        if (count == 8) {
            warnings.add("8 unnamed leads read as I, II, V1-V6; III, aVR, aVL and aVF are not derived from names the "
                    + "file does not give: pass --leads I,II,V1,V2,V3,V4,V5,V6 to confirm the order (then they are)");
            return List.of("I", "II", "V1", "V2", "V3", "V4", "V5", "V6");
        }
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            names.add("ch" + i);
        }
        warnings.add(count + " unnamed leads named ch1-ch" + count + "; pass --leads to name them");
        return names;
    }

    /**
     * Whether limb leads may be derived from a header-less file's leads: only when the user named
     * them ({@code --leads}); names this class assumes are never the basis of derived leads.
     */
    public static boolean mayDerive(ReadOptions options) {
        return options != null && options.leads() != null;
    }

    /**
     * A warning when no units were given and the values, read as mV, are far beyond any ECG
     * amplitude: they are then most likely µV or device units.
     */
    public static String amplitudeWarning(ReadOptions options, double maxAbsMillivolts) {
        boolean given = options != null && (options.units() != null || options.adcGain() != null);
        if (given || !(maxAbsMillivolts > IMPLAUSIBLE_MV)) {
            return null;
        }
        return String.format(Locale.ROOT, "values read as mV reach %.4g mV, far beyond an ECG; they are probably "
                + "uV or device units: pass --units uV or --adc-gain", maxAbsMillivolts);
    }

    /** Whether a WFDB header with the same stem lies beside {@code file} (then WFDB reads it). */
    public static boolean hasWfdbHeader(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        Path dir = file.toAbsolutePath().getParent();
        return dir != null && (Files.exists(dir.resolve(stem + ".hea")) || Files.exists(dir.resolve(stem + ".HEA")));
    }

    public static String extension(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot + 1) : "";
    }

    public static double maxAbs(float[][] leads) {
        double m = 0;
        for (float[] lead : leads) {
            for (float v : lead) {
                double a = Math.abs(v);
                if (a > m) {
                    m = a;
                }
            }
        }
        return m;
    }
}
