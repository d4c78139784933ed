package org.exchangeai.core.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.exchangeai.core.TestData;
import org.exchangeai.core.data.Labels;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.pretrain.Corpus;
import org.exchangeai.core.pretrain.Objective;
import org.exchangeai.core.pretrain.PretrainConfig;
import org.exchangeai.core.pretrain.PretrainResult;
import org.exchangeai.core.pretrain.Pretrainer;
import org.exchangeai.core.pretrain.RecordingSource;
import org.exchangeai.core.train.Example;
import org.exchangeai.core.train.Method;
import org.exchangeai.core.train.Trainer;
import org.exchangeai.core.train.TrainingConfig;
import org.exchangeai.core.train.TrainingResult;
import org.exchangeai.core.zoo.CardX;

/**
 * Pretraining throughput against plain training in the same run: CardX on the first N recordings of
 * {@code ../shared/pretrain/ptbxl100}, batch 64, one epoch each, alternating {@code rounds} times:
 * (a) {@code pretrain --objective both} (reading and preparing from disk in the background, two 5-s
 * views, projection head, NT-Xent and the supervised loss); (b) the trainer's own multi-label step on
 * the same recordings prepared in memory (whole 10-s inputs, no validation beyond its 20 % split).
 * Reports recordings per second of training and the ratio. Arguments: {@code [N] [rounds]}.
 */
public final class PretrainThroughputBench {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path folder = TestData.shared().resolve("pretrain/ptbxl100");
        ReadOptions read = ReadOptions.DEFAULT.withLeads(LeadNames.STANDARD_12);
        Corpus all = Corpus.scan(List.of(folder), List.of()).withLabels(Labels.read(folder.resolve("labels.csv")));
        Corpus corpus = Corpus.of(all.items().subList(0, n));
        List<Example> examples = new ArrayList<>();
        for (Corpus.Item i : corpus.items()) {
            examples.add(new Example(i.name(), CardX.preparation().apply(Formats.read(i.file(), read)), i.labels()));
        }
        for (int r = 1; r <= rounds; r++) {
            PretrainResult p = new Pretrainer(PretrainConfig.defaults(Objective.BOTH).withEpochs(1).withBatchSize(64))
                    .run(new Pretrainer.Task(CardX.build(12, corpus.classes(), 1), "cardx", CardX.preparation(), corpus,
                            Corpus.of(List.of()), RecordingSource.files(read), null, false));
            double pretrain = p.history().get(0).recordingsPerSecond();
            TrainingResult t = new Trainer(TrainingConfig.defaults(Method.SCRATCH).withEpochs(1).withBatchSize(64)
                    .withMultiLabel(true)).train(CardX.build(12, corpus.classes(), 1), "bench", examples,
                    CardX.preparation());
            // the trainer's epoch time includes validating its 20 % split; count what it trained on
            double trained = examples.size() * 0.8;
            double train = trained / t.history().get(0).seconds();
            System.out.printf(Locale.ROOT, "round %d: pretrain %.1f recordings/s, plain training %.1f recordings/s, "
                    + "ratio %.2f%n", r, pretrain, train, pretrain / train);
        }
    }
}
