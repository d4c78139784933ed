package org.exchangeai.spark;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.exchangeai.core.model.ModelException;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.model.Predictor;

/**
 * One ONNX Runtime session per model and executor JVM, shared by all tasks that run there (sessions
 * are thread-safe) and by the retries of a task; loaded on first use from the broadcast bytes.
 */
final class ModelSessions {

    private static final Map<String, Predictor> PREDICTORS = new ConcurrentHashMap<>();

    private ModelSessions() {
    }

    /** The predictor of {@code spec} with the given intra-op threads and batch size. */
    static Predictor predictor(ModelSpec spec, int threads, int batch) throws ModelException {
        String key = spec.sha256() + "/" + threads + "/" + batch;
        Predictor p = PREDICTORS.get(key);
        if (p != null) {
            return p;
        }
        synchronized (PREDICTORS) {
            p = PREDICTORS.get(key);
            if (p == null) {
                OnnxModel model = OnnxModel.load(Path.of(spec.file().replaceAll(".*/", "")), spec.bytes(), threads);
                p = Predictor.forModel(model, batch);
                PREDICTORS.put(key, p);
            }
            return p;
        }
    }

    /** How many sessions this JVM holds (one per model, threads and batch size). */
    static int loaded() {
        return PREDICTORS.size();
    }
}
