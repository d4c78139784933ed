package org.exchangeai.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.nio.file.Paths;

/**
 * The libtorch engine behind training. The native library ships inside the build's jars; it is
 * unpacked once into {@code ~/.exchangeai/djl} (unless {@code DJL_CACHE_DIR} says otherwise) and
 * nothing is downloaded ({@code ai.djl.offline=true} unless set).
 */
public final class Engines {

    public static final String ENGINE = "PyTorch";

    private Engines() {
    }

    public static synchronized Engine pytorch() {
        if (blank(System.getProperty("DJL_CACHE_DIR")) && blank(System.getenv("DJL_CACHE_DIR"))) {
            System.setProperty("DJL_CACHE_DIR",
                    Paths.get(System.getProperty("user.home"), ".exchangeai", "djl").toString());
        }
        if (blank(System.getProperty("ai.djl.offline"))) {
            System.setProperty("ai.djl.offline", "true");
        }
        return Engine.getEngine(ENGINE);
    }

    /** A new root manager on the CPU; close it to free everything created under it. */
    public static NDManager newManager() {
        return pytorch().newBaseManager();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
