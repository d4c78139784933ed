package org.exchangeai.core.ecg;

/**
 * A measurement a device or program made on the recording.
 *
 * @param name  canonical key: {@code hr_bpm}, {@code pr_ms}, {@code qrs_ms}, {@code qt_ms},
 *              {@code qtc_ms}, {@code p_axis_deg}, {@code qrs_axis_deg}, {@code t_axis_deg}, or a
 *              vendor key when no canonical one fits
 * @param value the number, in the unit the name ends with
 * @param unit  the unit as a short string ({@code bpm}, {@code ms}, {@code deg}, …)
 */
public record Measurement(String name, double value, String unit) {
}
