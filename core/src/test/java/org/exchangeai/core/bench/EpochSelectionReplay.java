package org.exchangeai.core.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.exchangeai.core.train.Method;

/**
 * Replays both epoch rules of {@link EpochSelectionStudy} on the per-epoch histories it stored
 * ({@code OUT.csv.history.jsonl}), without training again: after a change of the rule the table is
 * recomputed from the same runs. Writes the study's CSV layout. Not a unit test: a main method.
 *
 * <p>Arguments: {@code OUT.csv HISTORY.jsonl...}.
 */
public final class EpochSelectionReplay {

    private EpochSelectionReplay() {
    }

    public static void main(String[] args) throws Exception {
        StringBuilder out = new StringBuilder("config,seed,fold,old_kept,old_run,old_val_f1,old_best_val_f1,old_heldout_f1,"
                + "new_kept,new_run,new_val_f1,new_best_val_f1,new_heldout_f1,epochs\n");
        ObjectMapper json = new ObjectMapper().enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());
        for (int a = 1; a < args.length; a++) {
            for (String line : Files.readAllLines(Path.of(args[a]))) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode run = json.readTree(line);
                List<EpochSelectionStudy.Epoch> h = new ArrayList<>();
                for (JsonNode e : run.get("epochs")) {
                    h.add(new EpochSelectionStudy.Epoch(e.get(0).asDouble(), e.get(1).asDouble(), e.get(2).asDouble(),
                            e.get(3).asDouble(), e.get(4).asDouble()));
                }
                String config = run.get("config").asText();
                Method method = Method.parse(config.substring(config.lastIndexOf('-') + 1));
                out.append(config).append(',').append(run.get("seed").asLong()).append(',').append(run.get("fold").asInt())
                        .append(',').append(EpochSelectionStudy.replayOld(h)).append(',')
                        .append(EpochSelectionStudy.replayNew(h, method)).append(',').append(h.size()).append('\n');
            }
        }
        Files.writeString(Path.of(args[0]), out);
        System.out.print(out);
    }
}
