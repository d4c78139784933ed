package org.exchangeai.app.cli;

import java.nio.file.Path;
import org.exchangeai.core.model.ModelException;
import org.exchangeai.core.model.OnnxModel;
import picocli.CommandLine.Option;

/** How a command loads and runs a model. */
public final class ModelOptions {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL.onnx",
            description = "The ONNX model, or the name of a model the platform knows (see 'models').")
    String model;

    @Option(names = "--batch", defaultValue = "32", description = "Recordings per inference batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", defaultValue = "0", description = "Inference threads (default: all cores).")
    int threads;

    OnnxModel load() throws ModelException {
        Path file = ModelCatalog.resolve(model);
        return OnnxModel.load(file, threads);
    }
}
