package org.exchangeai.core.io.wfdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.exchangeai.core.ecg.Annotation;
import org.exchangeai.core.io.EcgReadException;

/**
 * Reads WFDB annotation files in the MIT format (WFDB {@code annot(5)}): a stream of 16-bit
 * little-endian words whose top 6 bits are an annotation code and whose low 10 bits are the
 * time since the previous annotation, with pseudo-codes that extend the previous annotation
 * (SUB, CHN, NUM, AUX) or the time (SKIP). Record-level files ({@code .atr}, {@code .qrs}) and
 * LUDB's per-lead files ({@code 10.ii}) share this format.
 */
public final class WfdbAnnotationReader {

    /** Annotation files larger than this are not taken for annotation files. */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private static final int SKIP = 59;
    private static final int NUM = 60;
    private static final int SUB = 61;
    private static final int CHN = 62;
    private static final int AUX = 63;
    /** Largest code of a real annotation (ACMAX in {@code ecgcodes.h}). */
    private static final int MAX_CODE = 49;

    /** Mnemonic of each annotation code ({@code ecgcodes.h}); {@code null} for unassigned codes. */
    private static final String[] SYMBOLS = {
        null, "N", "L", "R", "a", "V", "F", "J", "A", "S", "E", "j", "/", "Q", "~", null, "|", null, "s", "T",
        "*", "D", "\"", "=", "p", "B", "^", "t", "+", "u", "?", "!", "[", "]", "e", "n", "@", "x", "f", "(",
        ")", "r",
    };

    /** Symbols of annotations that mark a QRS complex (WFDB {@code isqrs}). */
    private static final Set<String> BEATS =
            Set.of("N", "L", "R", "a", "V", "F", "J", "A", "S", "E", "j", "/", "Q", "e", "n", "f", "r", "B");

    private WfdbAnnotationReader() {
    }

    /** Whether an annotation symbol marks a beat (a QRS complex). */
    public static boolean isBeat(String symbol) {
        return BEATS.contains(symbol);
    }

    /** The mnemonic of an annotation code, e.g. {@code N} for 1; {@code [42]} for codes without one. */
    public static String symbol(int code) {
        if (code >= 0 && code < SYMBOLS.length && SYMBOLS[code] != null) {
            return SYMBOLS[code];
        }
        return "[" + code + "]";
    }

    /** The annotation code of a mnemonic ({@link #symbol} reversed), or −1 when there is none. */
    public static int codeOf(String symbol) {
        for (int c = 1; c < SYMBOLS.length; c++) {
            if (symbol.equals(SYMBOLS[c])) {
                return c;
            }
        }
        if (symbol.startsWith("[") && symbol.endsWith("]")) {
            try {
                int c = Integer.parseInt(symbol.substring(1, symbol.length() - 1));
                return c > 0 && c <= MAX_CODE ? c : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * Reads one annotation file.
     *
     * @param lead the canonical lead the annotations belong to, or {@code null} for record-level ones
     */
    public static List<Annotation> read(Path file, String lead) throws EcgReadException {
        byte[] data;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new EcgReadException(file.toString(), "annotation file of " + size + " bytes is larger than "
                        + MAX_FILE_BYTES + " bytes");
            }
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EcgReadException(file.toString(), "cannot be read: " + e.getMessage(), e);
        }
        try {
            return parse(data, lead);
        } catch (IllegalArgumentException e) {
            throw new EcgReadException(file.toString(), "not a valid WFDB annotation file: " + e.getMessage());
        }
    }

    /** Whether {@code file} parses completely as a non-empty MIT-format annotation file. */
    public static boolean isAnnotationFile(Path file) {
        return readIfAnnotationFile(file, null) != null;
    }

    /**
     * The annotations of {@code file} when it is a complete, non-empty MIT-format annotation file
     * ending with the zero word writers put last; {@code null} for any other file.
     */
    static List<Annotation> readIfAnnotationFile(Path file, String lead) {
        try {
            long size = Files.size(file);
            if (size < 4 || size > MAX_FILE_BYTES) {
                return null;
            }
            byte[] data = Files.readAllBytes(file);
            // text and most other files never hold the terminating zero word
            if (!endsWithTerminator(data)) {
                return null;
            }
            List<Annotation> marks = parse(data, lead);
            return marks.isEmpty() ? null : marks;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether the annotation stream stops at a zero word before the end of the bytes. */
    static boolean endsWithTerminator(byte[] data) {
        int p = 0;
        while (p + 1 < data.length) {
            int word = (data[p] & 0xff) | ((data[p + 1] & 0xff) << 8);
            p += 2;
            int a = word >>> 10;
            int interval = word & 0x3ff;
            if (word == 0) {
                return true;
            } else if (a == SKIP) {
                p += 4;
            } else if (a == AUX) {
                p += interval + (interval & 1);
            }
        }
        return false;
    }

    /**
     * Decodes MIT-format annotation bytes.
     *
     * @param lead canonical lead for every annotation, or {@code null}
     * @return the annotations in file order; positions in samples (frames) of the record
     * @throws IllegalArgumentException when the bytes break the format (unknown code, a
     *                                  modifier before any annotation, data past the end, a
     *                                  negative time)
     */
    public static List<Annotation> parse(byte[] data, String lead) {
        List<Annotation> out = new ArrayList<>();
        long time = 0;
        int p = 0;
        int code = -1;
        long at = 0;
        int subtype = 0;
        String text = null;
        while (p + 1 < data.length) {
            int word = (data[p] & 0xff) | ((data[p + 1] & 0xff) << 8);
            p += 2;
            int a = word >>> 10;
            int interval = word & 0x3ff;
            if (a == 0 && interval == 0) {
                break;
            }
            switch (a) {
                case SKIP -> {
                    if (p + 4 > data.length) {
                        throw new IllegalArgumentException("SKIP at byte " + (p - 2) + " runs past the end");
                    }
                    int high = (data[p] & 0xff) | ((data[p + 1] & 0xff) << 8);
                    int low = (data[p + 2] & 0xff) | ((data[p + 3] & 0xff) << 8);
                    time += (high << 16) | low;
                    p += 4;
                }
                case NUM, CHN -> requireCurrent(code, a, p);
                case SUB -> {
                    requireCurrent(code, a, p);
                    subtype = interval > 511 ? interval - 1024 : interval;
                }
                case AUX -> {
                    requireCurrent(code, a, p);
                    if (p + interval > data.length) {
                        throw new IllegalArgumentException("AUX of " + interval + " bytes at byte " + (p - 2)
                                + " runs past the end");
                    }
                    int n = interval;
                    while (n > 0 && data[p + n - 1] == 0) {
                        n--;
                    }
                    text = new String(data, p, n, StandardCharsets.ISO_8859_1);
                    p += interval + (interval & 1);
                }
                default -> {
                    if (a > MAX_CODE) {
                        throw new IllegalArgumentException("code " + a + " at byte " + (p - 2) + " is not an annotation code");
                    }
                    if (code >= 0) {
                        out.add(new Annotation(at, symbol(code), lead, text, subtype));
                    }
                    time += interval;
                    if (time < 0) {
                        throw new IllegalArgumentException("time becomes negative at byte " + (p - 2));
                    }
                    code = a;
                    at = time;
                    subtype = 0;
                    text = null;
                }
            }
        }
        if (code >= 0) {
            out.add(new Annotation(at, symbol(code), lead, text, subtype));
        }
        return out;
    }

    private static void requireCurrent(int code, int pseudo, int p) {
        if (code < 0) {
            throw new IllegalArgumentException("modifier " + pseudo + " at byte " + (p - 2) + " precedes every annotation");
        }
    }
}
