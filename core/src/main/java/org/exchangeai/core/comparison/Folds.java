package org.exchangeai.core.comparison;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Stratified k-fold partitions grouped by patient: all recordings of one patient land in the same fold
 * (never one patient in training and validation), and every stratum (class, or label set) is spread
 * over the folds as evenly as its groups allow. Seeded: the same strata, groups, k and seed give the
 * same folds, so every candidate of a comparison sees the same folds.
 *
 * @param fold fold number (0-based) per recording
 * @param k number of folds
 * @param group group number (0-based, dense) per recording: its patient, or the recording itself
 */
public record Folds(int[] fold, int k, int[] group) {

    /**
     * @param strata one key per recording (its class, or a canonical label-set string)
     * @param patients one patient id per recording, {@code null} when unknown (the recording is its own group)
     */
    public static Folds stratified(List<String> strata, List<String> patients, int k, long seed) {
        int n = strata.size();
        if (patients != null && patients.size() != n) {
            throw new IllegalArgumentException(n + " strata but " + patients.size() + " patient entries");
        }
        if (k < 2) {
            throw new IllegalArgumentException("cross-validation needs at least 2 folds, got " + k);
        }
        int[] group = groups(patients, n);
        int groups = 0;
        for (int g : group) {
            groups = Math.max(groups, g + 1);
        }
        if (groups < k) {
            throw new IllegalArgumentException(k + " folds need at least " + k + " patients or recordings, there are "
                    + groups);
        }
        // a group's stratum: the most frequent stratum of its recordings (the smallest key on ties)
        List<List<Integer>> members = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            members.get(group[i]).add(i);
        }
        Map<String, List<Integer>> byStratum = new TreeMap<>();
        for (int g = 0; g < groups; g++) {
            Map<String, Integer> count = new TreeMap<>();
            for (int i : members.get(g)) {
                count.merge(strata.get(i), 1, Integer::sum);
            }
            String best = null;
            for (Map.Entry<String, Integer> e : count.entrySet()) {
                if (best == null || e.getValue() > count.get(best)) {
                    best = e.getKey();
                }
            }
            byStratum.computeIfAbsent(best, x -> new ArrayList<>()).add(g);
        }
        Random random = new Random(seed);
        int[] fold = new int[n];
        int[] total = new int[k];
        for (List<Integer> gs : byStratum.values()) {
            Collections.shuffle(gs, random);
            // larger groups first, so the small ones can even out the counts
            gs.sort((a, b) -> Integer.compare(members.get(b).size(), members.get(a).size()));
            int[] inStratum = new int[k];
            int start = random.nextInt(k);
            for (int g : gs) {
                int best = -1;
                for (int j = 0; j < k; j++) {
                    int f = (start + j) % k;
                    if (best < 0 || inStratum[f] < inStratum[best]
                            || (inStratum[f] == inStratum[best] && total[f] < total[best])) {
                        best = f;
                    }
                }
                for (int i : members.get(g)) {
                    fold[i] = best;
                }
                inStratum[best] += members.get(g).size();
                total[best] += members.get(g).size();
            }
        }
        return new Folds(fold, k, group);
    }

    /** Dense group numbers: equal patient ids share one, unknown patients get one each. */
    static int[] groups(List<String> patients, int n) {
        int[] group = new int[n];
        Map<String, Integer> ids = new HashMap<>();
        int next = 0;
        for (int i = 0; i < n; i++) {
            String p = patients == null ? null : patients.get(i);
            if (p == null || p.isBlank()) {
                group[i] = next++;
            } else {
                Integer g = ids.get(p.strip());
                if (g == null) {
                    g = next++;
                    ids.put(p.strip(), g);
                }
                group[i] = g;
            }
        }
        return group;
    }

    /** Recordings in fold {@code f} (validation), ascending. */
    public int[] test(int f) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < fold.length; i++) {
            if (fold[i] == f) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Recordings outside fold {@code f} (training), ascending. */
    public int[] train(int f) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < fold.length; i++) {
            if (fold[i] != f) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The first {@code fraction} of the training recordings of fold {@code f} in a seeded order of whole
     * patients that interleaves the strata, so smaller fractions are nested in larger ones (25 % ⊂ 50 % ⊂
     * 100 %) and keep the class proportions; 1 gives the whole training part. Ascending indices.
     */
    public int[] trainingSubset(int f, List<String> strata, double fraction, long seed) {
        int[] train = train(f);
        if (fraction >= 1) {
            return train;
        }
        if (!(fraction > 0)) {
            throw new IllegalArgumentException("training fraction must be in (0, 1], is " + fraction);
        }
        Map<Integer, List<Integer>> byGroup = new LinkedHashMap<>();
        for (int i : train) {
            byGroup.computeIfAbsent(group[i], x -> new ArrayList<>()).add(i);
        }
        Map<String, List<Integer>> byStratum = new TreeMap<>();
        for (Map.Entry<Integer, List<Integer>> e : byGroup.entrySet()) {
            byStratum.computeIfAbsent(strata.get(e.getValue().get(0)), x -> new ArrayList<>()).add(e.getKey());
        }
        Random random = new Random(seed * 31 + f);
        record Ranked(double position, String stratum, int group) {
        }
        List<Ranked> ranked = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : byStratum.entrySet()) {
            List<Integer> gs = e.getValue();
            Collections.shuffle(gs, random);
            for (int r = 0; r < gs.size(); r++) {
                ranked.add(new Ranked((r + 0.5) / gs.size(), e.getKey(), gs.get(r)));
            }
        }
        ranked.sort((a, b) -> a.position() != b.position() ? Double.compare(a.position(), b.position())
                : a.stratum().compareTo(b.stratum()));
        int want = (int) Math.round(fraction * train.length);
        List<Integer> out = new ArrayList<>();
        for (Ranked r : ranked) {
            if (out.size() >= want) {
                break;
            }
            out.addAll(byGroup.get(r.group()));
        }
        return out.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
