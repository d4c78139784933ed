package org.exchangeai.core.comparison;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.exchangeai.core.TestData;
import org.junit.jupiter.api.Test;

/** Folds on the shared PTB-XL table (real patient ids, four of them with two recordings) and on made-up groups. */
class FoldsTest {

    @Test
    void noPatientInTwoFoldsOnPtbxl() throws Exception {
        List<String> strata = new ArrayList<>();
        List<String> patients = new ArrayList<>();
        try (CsvReader<NamedCsvRecord> r = CsvReader.builder().ofNamedCsvRecord(TestData.data("ptbxl/metadata.csv"))) {
            for (NamedCsvRecord rec : r) {
                strata.add(rec.getField("diagnostic_superclasses"));
                patients.add(rec.getField("patient_id"));
            }
        }
        assertEquals(121, strata.size());
        assertTrue(patients.size() - new HashSet<>(patients).size() >= 4, "PTB-XL sample has repeated patients");
        for (long seed : new long[] {1, 42, 43}) {
            Folds folds = Folds.stratified(strata, patients, 5, seed);
            assertNoPatientInTwoFolds(folds, patients);
            int[] size = new int[5];
            for (int f : folds.fold()) {
                size[f]++;
            }
            for (int s : size) {
                assertTrue(s >= 23 && s <= 26, "balanced fold sizes " + Arrays.toString(size));
            }
            // each class spread evenly: per fold within one of n/k
            Map<String, int[]> perClass = new HashMap<>();
            for (int i = 0; i < strata.size(); i++) {
                perClass.computeIfAbsent(strata.get(i), x -> new int[5])[folds.fold()[i]]++;
            }
            for (Map.Entry<String, int[]> e : perClass.entrySet()) {
                int min = Arrays.stream(e.getValue()).min().getAsInt();
                int max = Arrays.stream(e.getValue()).max().getAsInt();
                assertTrue(max - min <= 2, e.getKey() + " " + Arrays.toString(e.getValue()));
            }
            // learning-curve subsets keep patients whole, are nested and have the asked size
            for (int f = 0; f < 5; f++) {
                int[] train = folds.train(f);
                int[] q = folds.trainingSubset(f, strata, 0.25, seed);
                int[] h = folds.trainingSubset(f, strata, 0.5, seed);
                assertArrayEquals(train, folds.trainingSubset(f, strata, 1.0, seed));
                Set<Integer> hs = new HashSet<>();
                Arrays.stream(h).forEach(hs::add);
                for (int i : q) {
                    assertTrue(hs.contains(i), "25 % inside 50 %");
                    assertTrue(folds.fold()[i] != f);
                }
                assertTrue(Math.abs(q.length - train.length / 4.0) <= 2, q.length + " of " + train.length);
                assertTrue(Math.abs(h.length - train.length / 2.0) <= 2, h.length + " of " + train.length);
                Set<String> inQ = new HashSet<>();
                Arrays.stream(q).forEach(i -> inQ.add(patients.get(i)));
                for (int i : train) {
                    if (inQ.contains(patients.get(i))) {
                        assertTrue(Arrays.stream(q).anyMatch(x -> x == i), "whole patients in the subset");
                    }
                }
            }
        }
        assertArrayEquals(Folds.stratified(strata, patients, 5, 42).fold(), Folds.stratified(strata, patients, 5, 42).fold());
    }

    @Test
    void largePatientsStayTogether() {
        List<String> strata = new ArrayList<>();
        List<String> patients = new ArrayList<>();
        for (int p = 0; p < 30; p++) {
            int recordings = 1 + p % 4;
            for (int r = 0; r < recordings; r++) {
                strata.add(p % 3 == 0 ? "A" : r % 2 == 0 ? "B" : "C");
                patients.add("p" + p);
            }
        }
        Folds folds = Folds.stratified(strata, patients, 4, 9);
        assertNoPatientInTwoFolds(folds, patients);
        assertThrows(IllegalArgumentException.class, () -> Folds.stratified(strata.subList(0, 3), patients.subList(0, 3), 4, 1));
    }

    static void assertNoPatientInTwoFolds(Folds folds, List<String> patients) {
        Map<String, Integer> foldOf = new HashMap<>();
        for (int i = 0; i < patients.size(); i++) {
            Integer before = foldOf.putIfAbsent(patients.get(i), folds.fold()[i]);
            assertTrue(before == null || before == folds.fold()[i], "patient " + patients.get(i) + " in two folds");
        }
    }
}
