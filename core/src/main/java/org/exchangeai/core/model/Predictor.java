package org.exchangeai.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.ReadResult;
import org.exchangeai.core.onnx.ModelCard;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.prep.PreparationException;
import org.exchangeai.core.prep.Prepared;

/**
 * Prepares recordings exactly as a model expects (its {@link Preparation}, read from its
 * metadata), runs them in batches and turns outputs into probabilities. A recording that cannot be
 * read or prepared yields an error row; the others are still predicted. Each recording's result
 * depends only on that recording, whatever else shares its batch.
 */
public final class Predictor {

    private final OnnxModel model;
    private final Preparation preparation;
    private final int batchSize;

    /**
     * @throws IllegalArgumentException for a pretrained encoder whose classifier head was never
     *     trained: its outputs mean nothing until it is fine-tuned
     */
    public Predictor(OnnxModel model, Preparation preparation, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1");
        }
        if (!model.card().headTrained()) {
            throw new IllegalArgumentException(model.file() + " is a pretrained encoder whose classifier head was never "
                    + "trained, so its outputs mean nothing yet; fine-tune it on labelled recordings first "
                    + "(exchangeai finetune --base " + model.file().getFileName() + " --method head ...)");
        }
        this.model = model;
        this.preparation = preparation;
        this.batchSize = batchSize;
    }

    /** A predictor that prepares recordings the way the model's metadata says. */
    public static Predictor forModel(OnnxModel model, int batchSize) {
        return new Predictor(model, Preparation.fromMetadata(model.card().metadata()), batchSize);
    }

    public Preparation preparation() {
        return preparation;
    }

    public OnnxModel model() {
        return model;
    }

    /** Predicts every read result in order; {@code progress} receives the count done so far. */
    public List<Prediction> predict(List<ReadResult> inputs, IntConsumer progress) throws ModelException {
        List<Prediction> out = new ArrayList<>(inputs.size());
        int leads = preparation.leads().size();
        int samples = preparation.windowSamples();
        if (model.leads() > 0 && model.leads() != leads) {
            throw new ModelException(model.file() + ": the model takes " + model.leads() + " leads but its preparation gives "
                    + leads);
        }
        if (model.samples() > 0 && model.samples() != samples) {
            throw new ModelException(model.file() + ": the model takes " + model.samples()
                    + " samples per lead but its preparation gives " + samples);
        }
        List<Integer> pending = new ArrayList<>();
        List<Prepared> prepared = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            ReadResult r = inputs.get(i);
            out.add(null);
            if (!r.ok()) {
                out.set(i, new Prediction(r.name(), null, null, r.error().reason(), List.of()));
                continue;
            }
            try {
                prepared.add(preparation.prepare(r.ecg()));
                pending.add(i);
            } catch (PreparationException | IllegalArgumentException e) {
                out.set(i, new Prediction(r.name(), null, null, "cannot be prepared for this model: " + e.getMessage(),
                        r.ecg().warnings()));
            }
            if (pending.size() == batchSize) {
                runBatch(inputs, pending, prepared, out, leads, samples);
            }
            if (progress != null) {
                progress.accept(i + 1 - pending.size());
            }
        }
        runBatch(inputs, pending, prepared, out, leads, samples);
        if (progress != null) {
            progress.accept(inputs.size());
        }
        return out;
    }

    /** Predicts one recording. */
    public Prediction predict(String name, Ecg ecg) throws ModelException {
        return predict(List.of(new ReadResult(name, null, ecg, null)), null).get(0);
    }

    private void runBatch(List<ReadResult> inputs, List<Integer> pending, List<Prepared> prepared, List<Prediction> out,
            int leads, int samples) throws ModelException {
        if (pending.isEmpty()) {
            return;
        }
        int n = pending.size();
        int per = leads * samples;
        float[] flat = new float[n * per];
        for (int b = 0; b < n; b++) {
            float[][] x = prepared.get(b).input();
            for (int l = 0; l < leads; l++) {
                System.arraycopy(x[l], 0, flat, b * per + l * samples, samples);
            }
        }
        float[][] logits = model.logits(flat, n, leads, samples);
        ModelCard card = model.card();
        for (int b = 0; b < n; b++) {
            int i = pending.get(b);
            ReadResult r = inputs.get(i);
            double[] p = model.probabilities(logits[b]);
            List<String> warnings = new ArrayList<>(r.ecg().warnings());
            warnings.addAll(prepared.get(b).warnings());
            out.set(i, new Prediction(r.name(), p, predicted(card, p), null, warnings));
        }
        pending.clear();
        prepared.clear();
    }

    static String predicted(ModelCard card, double[] p) {
        List<String> classes = card.classes();
        if (card.labelType() == ModelCard.LabelType.MULTI) {
            List<String> on = new ArrayList<>();
            for (int c = 0; c < p.length; c++) {
                if (p[c] >= 0.5) {
                    on.add(classes.get(c));
                }
            }
            return String.join("|", on);
        }
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return classes.get(best);
    }
}
