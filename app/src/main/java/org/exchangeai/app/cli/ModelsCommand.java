package org.exchangeai.app.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.exchangeai.core.model.ModelException;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.onnx.ModelCard;
import org.exchangeai.core.prep.Preparation;
import picocli.CommandLine.Command;

/** Lists the models the platform knows, with their cards. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List the built-in models and yours, with classes, rate and preparation.")
public final class ModelsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        List<ModelCatalog.Entry> all = ModelCatalog.all();
        if (all.isEmpty()) {
            System.out.println("No models found in " + ModelCatalog.builtInFolder() + " or " + ModelCatalog.userFolder());
            return 0;
        }
        for (ModelCatalog.Entry e : all) {
            try (OnnxModel m = OnnxModel.load(e.file(), 1)) {
                ModelCard card = m.card();
                Preparation prep = Preparation.fromMetadata(card.metadata());
                System.out.printf(Locale.ROOT, "%s  [%s]  %s%n", e.qualifiedName(), e.origin(), e.file());
                System.out.printf(Locale.ROOT, "    classes: %s (%s-label)%n", String.join(", ", card.classes()),
                        card.labelType().name().toLowerCase(Locale.ROOT));
                System.out.printf(Locale.ROOT, "    input: %d leads x %d samples; preparation: %s%n", m.leads(), m.samples(), prep);
                m.warnings().forEach(w -> System.out.println("    warning: " + w));
            } catch (ModelException ex) {
                System.out.printf(Locale.ROOT, "%s  [%s]  cannot be loaded: %s%n", e.qualifiedName(), e.origin(), ex.getMessage());
            }
        }
        return 0;
    }
}
