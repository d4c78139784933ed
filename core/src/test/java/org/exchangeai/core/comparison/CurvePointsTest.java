package org.exchangeai.core.comparison;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CurvePointsTest {

    @Test
    void percentagesAsUsersWriteThem() {
        assertEquals(List.of(0.25, 0.5, 1.0), CurvePoints.parse("50, 25%;25 100"));
        assertEquals(List.of(1.0), CurvePoints.parse(null));
        assertEquals(List.of(1.0), CurvePoints.parse("  "));
    }

    @Test
    void anEntryOutsideZeroToHundredIsNamed() {
        for (String bad : new String[] {"0", "150", "-5", "half"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CurvePoints.parse("25," + bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
