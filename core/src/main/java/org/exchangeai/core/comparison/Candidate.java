package org.exchangeai.core.comparison;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.train.Example;
import org.exchangeai.core.train.Method;
import org.exchangeai.core.zoo.Zoo;

/**
 * One contender of a comparison: what trains (a base model, or a zoo architecture built afresh for
 * each fold's classes) and how, with the recordings prepared by its own recipe.
 *
 * @param name how the leaderboard shows it, unique within a comparison
 * @param base the base model, or {@code null} for a zoo architecture
 * @param baseSha256 SHA-256 of the base model file (provenance), {@code null} for a zoo architecture
 * @param zoo the zoo architecture's name when {@code base} is {@code null}
 * @param method what trains
 * @param preparation the recipe the examples were prepared with (written into every trained model)
 * @param examples every recording of the comparison, in the comparison's order, prepared for this candidate
 */
public record Candidate(String name, OnnxGraph base, String baseSha256, String zoo, Method method,
        Preparation preparation, List<Example> examples) {

    public Candidate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(method, "method");
        if (base == null && !Zoo.contains(zoo)) {
            throw new IllegalArgumentException("candidate '" + name + "' has neither a base model nor a zoo architecture");
        }
        if (base == null && method != Method.SCRATCH) {
            throw new IllegalArgumentException("candidate '" + name + "': a zoo architecture can only train from scratch");
        }
        examples = List.copyOf(examples);
    }

    /**
     * What trains, before the recordings are prepared.
     *
     * @param base the base model or {@code null} for the zoo architecture {@code zoo}
     */
    public record Spec(String name, OnnxGraph base, String baseSha256, String zoo, Method method) {
        Preparation preparation() {
            return base != null ? Preparation.fromMetadata(base.metadata()) : Zoo.preparation(zoo);
        }
    }

    /**
     * The candidates with every recording prepared by each one's recipe (once per distinct recipe).
     *
     * @throws IllegalArgumentException naming the recording and the candidate when a recording cannot be prepared
     */
    public static List<Candidate> prepare(List<Spec> specs, List<String> ids, List<Ecg> ecgs, List<List<String>> labels) {
        Map<String, List<Example>> preparedBy = new HashMap<>();
        List<Candidate> out = new ArrayList<>();
        for (Spec s : specs) {
            Preparation prep = s.preparation();
            List<Example> examples = preparedBy.get(prep.toString());
            if (examples == null) {
                examples = new ArrayList<>();
                for (int i = 0; i < ids.size(); i++) {
                    try {
                        examples.add(new Example(ids.get(i), prep.apply(ecgs.get(i)), labels.get(i)));
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException(ids.get(i) + ": cannot be prepared for candidate " + s.name()
                                + ": " + e.getMessage(), e);
                    }
                }
                preparedBy.put(prep.toString(), examples);
            }
            out.add(new Candidate(s.name(), s.base(), s.baseSha256(), s.base() == null ? s.zoo() : null, s.method(),
                    prep, examples));
        }
        return out;
    }

    /** The graph one fold trains from: the base model, or the zoo architecture for these classes. */
    OnnxGraph graphFor(List<String> classes, long seed) {
        return base != null ? base : Zoo.build(zoo, classes, seed);
    }

    String shaFor(OnnxGraph graph) {
        return base != null ? baseSha256 : graph.sha256();
    }
}
