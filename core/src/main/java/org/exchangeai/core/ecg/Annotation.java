package org.exchangeai.core.ecg;

/**
 * One mark on a recording: a beat, a wave boundary or a note.
 *
 * @param sample  position in samples at the recording's own rate
 * @param code    WFDB-style symbol: {@code N} and other beat labels, {@code p}/{@code t} for
 *                wave peaks, {@code (} and {@code )} for wave onset and offset, {@code "} for notes
 * @param lead    the canonical lead the mark belongs to, or {@code null} for the whole record
 * @param text    auxiliary text (rhythm changes, comments), or {@code null}
 * @param subtype WFDB annotation subtype ({@code 0} when unused)
 */
public record Annotation(long sample, String code, String lead, String text, int subtype) {

    public Annotation {
        if (code == null) {
            throw new IllegalArgumentException("annotation code must not be null");
        }
    }

    public static Annotation at(long sample, String code) {
        return new Annotation(sample, code, null, null, 0);
    }
}
