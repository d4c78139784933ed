package org.exchangeai.core.comparison;

import java.util.List;

/**
 * The out-of-fold predictions of one candidate trained on one fold's training part.
 *
 * @param candidate candidate name
 * @param seed the repetition's seed (folds, shuffling, initialisation)
 * @param fraction share of the fold's training part that trained (learning curves; 1 = all)
 * @param fold 0-based fold number
 * @param trainSize recordings that trained
 * @param test indices (in the comparison's order) of the validation recordings
 * @param probabilities {@code [test recording][class]} in the comparison's class order
 * @param seconds training time
 * @param epochs epochs that ran
 * @param bestEpoch the kept epoch
 */
public record FoldResult(String candidate, long seed, double fraction, int fold, int trainSize, int[] test,
        double[][] probabilities, double seconds, int epochs, int bestEpoch) {

    /** The key under which a run stores and finds this result again. */
    public String key() {
        return key(candidate, seed, fraction, fold);
    }

    public static String key(String candidate, long seed, double fraction, int fold) {
        return candidate.replaceAll("[^A-Za-z0-9_.-]", "_") + "-seed" + seed + "-p" + Math.round(fraction * 100)
                + "-fold" + (fold + 1);
    }

    /** Where finished folds are kept so that a restarted comparison continues fold by fold. */
    public interface Store {
        /** The stored result for the key, or {@code null}. */
        FoldResult find(String key);

        void save(FoldResult result);

        Store NONE = new Store() {
            @Override
            public FoldResult find(String key) {
                return null;
            }

            @Override
            public void save(FoldResult result) {
            }
        };
    }

    /** Checks that a stored result fits the comparison it is reused in. */
    boolean fits(int[] expectedTest, List<String> classes) {
        return java.util.Arrays.equals(test, expectedTest) && probabilities.length == test.length
                && (probabilities.length == 0 || probabilities[0].length == classes.size());
    }
}
