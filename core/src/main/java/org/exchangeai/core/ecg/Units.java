package org.exchangeai.core.ecg;

import java.util.Locale;

/** Voltage units as files spell them, and their factor to millivolts. */
public final class Units {

    private Units() {
    }

    /**
     * Millivolts per one unit of {@code unit}: {@code mV} → 1, {@code uV}/{@code µV} → 0.001,
     * {@code V} → 1000, {@code nV} → 1e-6.
     *
     * @throws IllegalArgumentException for anything that is not a voltage unit
     */
    public static double millivoltsPer(String unit) {
        String u = unit == null ? "" : unit.trim();
        String lower = u.toLowerCase(Locale.ROOT).replace("μ", "u").replace("µ", "u");
        switch (lower) {
            case "mv", "millivolt", "millivolts", "milli_volt", "millivolt(s)":
                return 1.0;
            case "uv", "microvolt", "microvolts", "mikrovolt", "mcv":
                return 1e-3;
            case "v", "volt", "volts":
                return 1000.0;
            case "nv", "nanovolt", "nanovolts":
                return 1e-6;
            default:
                throw new IllegalArgumentException("'" + unit + "' is not a voltage unit (expected V, mV, uV or nV)");
        }
    }

    /** Whether {@link #millivoltsPer} knows this unit. */
    public static boolean isVoltage(String unit) {
        try {
            millivoltsPer(unit);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
