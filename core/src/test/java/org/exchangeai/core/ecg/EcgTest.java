package org.exchangeai.core.ecg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EcgTest {

    @Test
    void leadNamesAreNormalised() {
        assertEquals("aVR", LeadNames.normalize("avr"));
        assertEquals("aVR", LeadNames.normalize("AVR"));
        assertEquals("aVL", LeadNames.normalize(" aVL "));
        assertEquals("II", LeadNames.normalize("ECG II"));
        assertEquals("II", LeadNames.normalize("Lead II"));
        assertEquals("I", LeadNames.normalize("DI"));
        assertEquals("MLII", LeadNames.normalize("MLII"));
        assertEquals("X", LeadNames.normalize("vx"));
        assertEquals("V4R", LeadNames.normalize("v4r"));
        assertEquals("Pleth", LeadNames.normalize("Pleth"));
        LeadNames.Parsed p = LeadNames.parse("-aVR");
        assertEquals("aVR", p.name());
        assertTrue(p.inverted());
    }

    @Test
    void leadsAreSortedCanonicallyAndLimbLeadsDerived() {
        float[] i = {1f, 2f, -1f};
        float[] ii = {3f, 0f, 1f};
        Ecg ecg = Ecg.builder(500).lead("V1", new float[3]).lead("ii", ii).lead("i", i).lead("vz", new float[3]).build();
        assertEquals(List.of("I", "II", "III", "aVR", "aVL", "aVF", "V1", "Z"), ecg.leads());
        assertEquals(java.util.Set.of("III", "aVR", "aVL", "aVF"), ecg.derivedLeads());
        assertArrayEquals(new float[] {2f, -2f, 2f}, ecg.lead("III"));
        assertArrayEquals(new float[] {-2f, -1f, 0f}, ecg.lead("aVR"));
        assertArrayEquals(new float[] {-0.5f, 2f, -1.5f}, ecg.lead("aVL"));
        assertArrayEquals(new float[] {2.5f, -1f, 1.5f}, ecg.lead("aVF"));
    }

    @Test
    void invertedLeadIsNegatedAndNoted() {
        Ecg ecg = Ecg.builder(100).deriveMissingLimbLeads(false).lead("-aVR", new float[] {1f, -2f}).build();
        assertArrayEquals(new float[] {-1f, 2f}, ecg.lead("aVR"));
        assertFalse(ecg.warnings().isEmpty());
    }

    @Test
    void inconsistentInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Ecg.builder(0));
        assertThrows(IllegalArgumentException.class,
                () -> Ecg.builder(100).lead("I", new float[2]).lead("II", new float[3]).build());
        assertThrows(IllegalArgumentException.class,
                () -> Ecg.builder(100).lead("I", new float[2]).lead("i", new float[2]));
    }

    @Test
    void accessorsReturnCopies() {
        Ecg ecg = Ecg.builder(100).lead("I", new float[] {1f}).build();
        ecg.lead(0)[0] = 5f;
        ecg.samples()[0][0] = 5f;
        assertEquals(1f, ecg.get(0, 0));
    }
}
