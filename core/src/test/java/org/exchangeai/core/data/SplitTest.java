package org.exchangeai.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected counts follow from the documented rule: round(n * fraction), at least 1 of n ≥ 2, never all. */
class SplitTest {

    @Test
    void eachClassIsSplitInProportion() {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            labels.add("NORM");
        }
        for (int i = 0; i < 10; i++) {
            labels.add("MI");
        }
        labels.add("HYP");
        labels.add("HYP");
        labels.add("CD");
        Split s = Split.stratified(labels, 0.2, 7);
        assertEquals(labels.size(), s.train().length + s.validation().length);
        assertEquals(10, count(s.validation(), labels, "NORM"));
        assertEquals(2, count(s.validation(), labels, "MI"));
        assertEquals(1, count(s.validation(), labels, "HYP"), "two items: one held out");
        assertEquals(0, count(s.validation(), labels, "CD"), "a single item trains");
        assertFalse(Arrays.stream(s.train()).anyMatch(i -> Arrays.stream(s.validation()).anyMatch(j -> j == i)));
    }

    @Test
    void sameSeedSameSplitOtherSeedOther() {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            labels.add(i % 3 == 0 ? "A" : "B");
        }
        Split a = Split.stratified(labels, 0.25, 1);
        assertArrayEquals(a.validation(), Split.stratified(labels, 0.25, 1).validation());
        assertFalse(Arrays.equals(a.validation(), Split.stratified(labels, 0.25, 2).validation()));
    }

    private static long count(int[] idx, List<String> labels, String label) {
        return Arrays.stream(idx).filter(i -> labels.get(i).equals(label)).count();
    }
}
