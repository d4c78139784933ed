package org.exchangeai.app.web;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.exchangeai.app.store.Datasets.Label;
import org.exchangeai.app.store.Datasets.Recording;

/**
 * Matches label rows to recordings. A label names a file relative to the folder of the label
 * table, with whichever extension (a WFDB record may be named by its {@code .hea} or its
 * {@code .mat}); so names are compared without extension, then by bare file stem.
 */
final class LabelMatch {

    private LabelMatch() {
    }

    static String key(String name) {
        String n = name.replace('\\', '/');
        int bang = n.indexOf("!/");
        if (bang >= 0) {
            n = n.substring(bang + 2);
        }
        int slash = n.lastIndexOf('/');
        int dot = n.lastIndexOf('.');
        return dot > slash ? n.substring(0, dot) : n;
    }

    static String stem(String name) {
        String k = key(name);
        return k.substring(k.lastIndexOf('/') + 1);
    }

    /** The label of every labelled recording: by name without extension, else by file stem. */
    static java.util.Map<Long, String> byRecording(List<Label> labels, List<Recording> recordings) {
        java.util.Map<String, String> byKey = new java.util.HashMap<>();
        java.util.Map<String, String> byStem = new java.util.HashMap<>();
        for (Label l : labels) {
            byKey.put(key(l.fileName()), l.label());
            byStem.putIfAbsent(stem(l.fileName()), l.label());
        }
        java.util.Map<Long, String> out = new java.util.HashMap<>();
        for (Recording r : recordings) {
            String l = byKey.getOrDefault(key(r.name()), byStem.get(stem(r.name())));
            if (l != null) {
                out.put(r.id(), l);
            }
        }
        return out;
    }

    /** A sentence saying how many labels matched and which did not. */
    static String report(List<Label> labels, List<Recording> recordings) {
        Set<String> keys = new HashSet<>();
        Set<String> stems = new HashSet<>();
        for (Recording r : recordings) {
            keys.add(key(r.name()));
            stems.add(stem(r.name()));
        }
        int matched = 0;
        StringBuilder unmatched = new StringBuilder();
        int unmatchedCount = 0;
        Set<String> labelled = new HashSet<>();
        for (Label l : labels) {
            if (keys.contains(key(l.fileName())) || stems.contains(stem(l.fileName()))) {
                matched++;
                labelled.add(stem(l.fileName()));
            } else {
                if (unmatchedCount < 10) {
                    unmatched.append(unmatchedCount == 0 ? "" : ", ").append(l.fileName());
                }
                unmatchedCount++;
            }
        }
        long unlabelled = recordings.stream().filter(Recording::ok).filter(r -> !labelled.contains(stem(r.name()))).count();
        StringBuilder sb = new StringBuilder();
        sb.append(labels.size()).append(" labels read; ").append(matched).append(" match a recording");
        if (unmatchedCount > 0) {
            sb.append("; ").append(unmatchedCount).append(" match none: ").append(unmatched);
            if (unmatchedCount > 10) {
                sb.append(", …");
            }
        }
        if (unlabelled > 0) {
            sb.append("; ").append(unlabelled).append(" recording(s) have no label");
        }
        return sb.append('.').toString();
    }
}
