package org.exchangeai.core.ecg;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Wave boundaries as [onset, peak, offset] triples, the shape both annotated databases (LUDB's
 * per-lead {@code (} peak {@code )} marks) and delineation algorithms produce.
 */
public final class Waves {

    /** Position of a boundary that is not marked (a wave cut by the start or end of the record). */
    public static final long UNKNOWN = -1;

    /** The waves of one heartbeat. */
    public enum Kind {
        P, QRS, T
    }

    /**
     * One wave: sample positions at the recording's rate; {@link #UNKNOWN} where a boundary is
     * not marked.
     */
    public record Wave(Kind kind, long onset, long peak, long offset) {
        /** {@code [onset, peak, offset]}. */
        public long[] triple() {
            return new long[] {onset, peak, offset};
        }
    }

    /** Peak symbols of QRS complexes: the WFDB beat labels. */
    private static final Set<String> QRS_PEAKS =
            Set.of("N", "L", "R", "a", "V", "F", "J", "A", "S", "E", "j", "/", "Q", "e", "n", "f", "r", "B");

    private Waves() {
    }

    /** The wave a peak symbol marks: {@code p} → P, {@code t} → T, a beat label → QRS; else {@code null}. */
    public static Kind kindOf(String peakSymbol) {
        if ("p".equals(peakSymbol)) {
            return Kind.P;
        }
        if ("t".equals(peakSymbol)) {
            return Kind.T;
        }
        return QRS_PEAKS.contains(peakSymbol) ? Kind.QRS : null;
    }

    /**
     * The waves marked for one lead: each peak symbol with the {@code (} directly before it and the
     * {@code )} directly after it (WFDB convention for wave boundaries). Annotations of other
     * leads are ignored; {@code lead == null} takes record-level annotations.
     *
     * @param annotations annotations in any order
     * @param lead        canonical lead name, or {@code null}
     * @return the waves sorted by peak position
     */
    public static List<Wave> of(List<Annotation> annotations, String lead) {
        List<Annotation> marks = new ArrayList<>();
        for (Annotation a : annotations) {
            if (lead == null ? a.lead() == null : lead.equals(a.lead())) {
                marks.add(a);
            }
        }
        marks.sort((x, y) -> Long.compare(x.sample(), y.sample()));
        List<Wave> out = new ArrayList<>();
        for (int i = 0; i < marks.size(); i++) {
            Kind kind = kindOf(marks.get(i).code());
            if (kind == null) {
                continue;
            }
            long onset = i > 0 && "(".equals(marks.get(i - 1).code()) ? marks.get(i - 1).sample() : UNKNOWN;
            long offset = i + 1 < marks.size() && ")".equals(marks.get(i + 1).code()) ? marks.get(i + 1).sample() : UNKNOWN;
            out.add(new Wave(kind, onset, marks.get(i).sample(), offset));
        }
        return out;
    }

    /** {@link #of} grouped by kind as {@code [n][3]} arrays of onset, peak, offset. */
    public static Map<Kind, long[][]> triples(List<Annotation> annotations, String lead) {
        Map<Kind, List<long[]>> lists = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            lists.put(k, new ArrayList<>());
        }
        for (Wave w : of(annotations, lead)) {
            lists.get(w.kind()).add(w.triple());
        }
        Map<Kind, long[][]> out = new EnumMap<>(Kind.class);
        lists.forEach((k, v) -> out.put(k, v.toArray(new long[0][])));
        return out;
    }
}
