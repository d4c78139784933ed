package org.exchangeai.core.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A stratified, seeded train/validation split: every stratum (class, or label set for multi-label
 * data) is divided in the same proportion, so rare classes appear on both sides whenever they can.
 * The same items, strata and seed always give the same split.
 *
 * @param train indices of the training items, ascending
 * @param validation indices of the validation items, ascending
 */
public record Split(int[] train, int[] validation) {

    /**
     * Splits items by their stratum key. Per stratum of n items, round(n * validationFraction)
     * go to validation, but at least one when n ≥ 2 and never all of them (a stratum of one item
     * trains). Strata are processed in sorted key order, each shuffled with one seeded generator.
     *
     * @param strata one key per item (the class name, or a canonical label-set string)
     * @param validationFraction in (0, 1); the original platform used 0.2
     */
    public static Split stratified(List<String> strata, double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), is " + validationFraction);
        }
        Map<String, List<Integer>> byKey = new TreeMap<>();
        for (int i = 0; i < strata.size(); i++) {
            byKey.computeIfAbsent(strata.get(i), k -> new ArrayList<>()).add(i);
        }
        Random random = new Random(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> validation = new ArrayList<>();
        for (List<Integer> items : byKey.values()) {
            Collections.shuffle(items, random);
            int n = items.size();
            int val = (int) Math.round(n * validationFraction);
            if (n >= 2) {
                val = Math.max(1, Math.min(n - 1, val));
            } else {
                val = 0;
            }
            validation.addAll(items.subList(0, val));
            train.addAll(items.subList(val, n));
        }
        return new Split(sorted(train), sorted(validation));
    }

    private static int[] sorted(List<Integer> v) {
        return v.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
