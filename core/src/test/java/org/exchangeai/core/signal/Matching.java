package org.exchangeai.core.signal;

import java.util.ArrayList;
import java.util.List;

/** One-to-one matching of detected to reference time points within a tolerance. */
final class Matching {

    /** Matched pairs and counts; {@code errors} are detected − reference, in samples. */
    record Result(int truePositives, int falseNegatives, long falsePositives, List<Integer> errors,
            List<Integer> unmatched) {
        Result(int truePositives, int falseNegatives, long falsePositives, List<Integer> errors) {
            this(truePositives, falseNegatives, falsePositives, errors, List.of());
        }

        double sensitivity() {
            return truePositives + falseNegatives == 0 ? Double.NaN
                    : 100.0 * truePositives / (truePositives + falseNegatives);
        }

        double ppv() {
            return truePositives + falsePositives == 0 ? Double.NaN
                    : 100.0 * truePositives / (truePositives + falsePositives);
        }
    }

    private Matching() {
    }

    /** Both arrays ascending. Each reference takes the nearest free detection within tolerance. */
    static Result match(int[] reference, int[] detected, int tolerance) {
        boolean[] used = new boolean[detected.length];
        List<Integer> errors = new ArrayList<>();
        int tp = 0;
        int j = 0;
        for (int r : reference) {
            while (j < detected.length && detected[j] < r - tolerance) {
                j++;
            }
            int best = -1;
            for (int k = j; k < detected.length && detected[k] <= r + tolerance; k++) {
                if (!used[k] && (best < 0 || Math.abs(detected[k] - r) < Math.abs(detected[best] - r))) {
                    best = k;
                }
            }
            if (best >= 0) {
                used[best] = true;
                tp++;
                errors.add(detected[best] - r);
            }
        }
        List<Integer> unmatched = new ArrayList<>();
        for (int k = 0; k < detected.length; k++) {
            if (!used[k]) {
                unmatched.add(detected[k]);
            }
        }
        return new Result(tp, reference.length - tp, detected.length - tp, errors, unmatched);
    }
}
