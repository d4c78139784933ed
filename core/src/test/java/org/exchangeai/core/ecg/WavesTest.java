package org.exchangeai.core.ecg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.exchangeai.core.TestData;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.wfdb.WfdbReader;
import org.junit.jupiter.api.Test;

class WavesTest {

    @Test
    void triplesFromBoundaryMarks() {
        List<Annotation> marks = List.of(
                new Annotation(5, "p", "II", null, 0), new Annotation(9, ")", "II", null, 0),
                new Annotation(20, "(", "II", null, 0), new Annotation(25, "N", "II", null, 0),
                new Annotation(30, ")", "II", null, 0), new Annotation(25, "N", "V1", null, 0),
                new Annotation(50, "(", "II", null, 0), new Annotation(60, "t", "II", null, 0));
        List<Waves.Wave> waves = Waves.of(marks, "II");
        assertEquals(List.of(
                new Waves.Wave(Waves.Kind.P, Waves.UNKNOWN, 5, 9),
                new Waves.Wave(Waves.Kind.QRS, 20, 25, 30),
                new Waves.Wave(Waves.Kind.T, 50, 60, Waves.UNKNOWN)), waves);
    }

    /**
     * LUDB 10, lead II (numbers in {@code WfdbReaderTest#ludbPerLeadAnnotations}): 8 QRS, 7 P and
     * 7 T waves; the first QRS is ( 682, N 704, ) 729, the first T ( 806, t 851, ) 890, the first
     * P ( 1061, p 1090, ) 1130.
     */
    @Test
    void ludbRecord10LeadII() throws Exception {
        Ecg ecg = new WfdbReader().read(TestData.data("ludb/data/10.hea"), ReadOptions.DEFAULT);
        Map<Waves.Kind, long[][]> t = Waves.triples(ecg.annotations(), "II");
        assertEquals(8, t.get(Waves.Kind.QRS).length);
        assertEquals(7, t.get(Waves.Kind.P).length);
        assertEquals(7, t.get(Waves.Kind.T).length);
        assertArrayEquals(new long[] {682, 704, 729}, t.get(Waves.Kind.QRS)[0]);
        assertArrayEquals(new long[] {806, 851, 890}, t.get(Waves.Kind.T)[0]);
        assertArrayEquals(new long[] {1061, 1090, 1130}, t.get(Waves.Kind.P)[0]);
    }
}
