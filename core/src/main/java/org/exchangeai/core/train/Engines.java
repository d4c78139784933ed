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

    /**
     * Where long training runs go: the first CUDA GPU when libtorch's GPU build is on the class path
     * and sees one, else the CPU. {@code -Dexchangeai.device=cpu} keeps the CPU.
     */
    public static ai.djl.Device device() {
        if ("cpu".equalsIgnoreCase(System.getProperty("exchangeai.device", "").strip())) {
            return ai.djl.Device.cpu();
        }
        return pytorch().getGpuCount() > 0 ? ai.djl.Device.gpu() : ai.djl.Device.cpu();
    }

    /** A new root manager on the CPU; close it to free everything created under it. */
    public static NDManager newManager() {
        return pytorch().newBaseManager();
    }

    /** Native stack for threads that run libtorch work. */
    public static final long STACK_BYTES = 64L << 20;

    /**
     * Runs {@code work} on a new thread with a {@link #STACK_BYTES} stack and waits for it. libtorch's CPU
     * kernels can need more native stack than a default Java thread has (a 1 MB thread crashed the JVM
     * running XceptionTime on a batch of 6), so training and interpretation are run this way. libtorch's
     * gradient recording is per thread and on by default in a new thread; it is switched off here, as DJL
     * does for the thread that loads the engine, so only a {@code GradientCollector} records.
     */
    public static <T> T onLargeStack(java.util.concurrent.Callable<T> work) {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        pytorch();
        Thread t = new Thread(null, () -> {
            try {
                ai.djl.pytorch.jni.JniUtils.setGradMode(false);
                result[0] = work.call();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "exchangeai-libtorch", STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for libtorch work", e);
        }
        if (failure[0] instanceof RuntimeException re) {
            throw re;
        }
        if (failure[0] instanceof Error err) {
            throw err;
        }
        if (failure[0] != null) {
            throw new IllegalStateException(failure[0]);
        }
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
