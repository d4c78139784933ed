package org.exchangeai.core.pretrain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.prep.Preparation;

/**
 * Reads and prepares the recordings of one epoch batch by batch on background threads, a few
 * batches ahead of training, so memory holds only those batches whatever the size of the corpus.
 * The content of a batch depends only on the corpus, the order, the seed and the epoch, never on
 * thread timing. A recording that cannot be read or prepared is left out of its batch and reported
 * once.
 */
final class BatchLoader implements AutoCloseable {

    /** One prepared batch; {@code views} are empty when no contrastive views are wanted. */
    record Batch(List<Integer> items, float[][][] inputs, float[][][] viewsA, float[][][] viewsB, float[][] targets,
            boolean[] labelled) {
        int size() {
            return inputs.length;
        }
    }

    private final Corpus corpus;
    private final Preparation preparation;
    private final RecordingSource source;
    private final Augmentations augmentations;
    private final List<String> classes;
    private final ExecutorService pool;
    private final int ahead;
    private final Map<Integer, String> failures = new ConcurrentHashMap<>();
    private final AtomicInteger reported = new AtomicInteger();
    private final java.util.function.Consumer<String> warn;

    BatchLoader(Corpus corpus, Preparation preparation, RecordingSource source, Augmentations augmentations,
            List<String> classes, int threads, java.util.function.Consumer<String> warn) {
        this.corpus = corpus;
        this.preparation = preparation;
        this.source = source;
        this.augmentations = augmentations;
        this.classes = classes;
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "exchangeai-pretrain-loader");
            t.setDaemon(true);
            return t;
        });
        this.ahead = Math.max(2, threads + 1);
        this.warn = warn;
    }

    /** Recordings that could not be used, with the reason. */
    Map<Integer, String> failures() {
        return failures;
    }

    /**
     * The batches of {@code order} split into groups of {@code batchSize}, prepared ahead.
     *
     * @param viewSeed seeds the views; {@code 0} items of a batch with no usable recording are skipped
     */
    Iterable<Batch> batches(int[] order, int batchSize, long viewSeed, boolean views) {
        List<int[]> ranges = new ArrayList<>();
        for (int s = 0; s < order.length; s += batchSize) {
            ranges.add(new int[] {s, Math.min(order.length, s + batchSize)});
        }
        return () -> new java.util.Iterator<>() {
            private final Deque<Future<Batch>> queue = new ArrayDeque<>();
            private int next;
            private Batch pending;

            private void fill() {
                while (queue.size() < ahead && next < ranges.size()) {
                    int[] r = ranges.get(next++);
                    queue.add(pool.submit(() -> load(order, r[0], r[1], viewSeed, views)));
                }
            }

            @Override
            public boolean hasNext() {
                while (pending == null) {
                    fill();
                    if (queue.isEmpty()) {
                        return false;
                    }
                    try {
                        Batch b = queue.poll().get();
                        if (b.size() >= 2) {
                            pending = b;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while loading recordings", e);
                    } catch (ExecutionException e) {
                        throw new IllegalStateException("loading recordings failed: " + e.getCause(), e.getCause());
                    }
                }
                return true;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                Batch b = pending;
                pending = null;
                return b;
            }
        };
    }

    private Batch load(int[] order, int from, int to, long viewSeed, boolean views) {
        List<Integer> items = new ArrayList<>();
        List<float[][]> inputs = new ArrayList<>();
        List<float[][]> a = new ArrayList<>();
        List<float[][]> b = new ArrayList<>();
        for (int pos = from; pos < to; pos++) {
            int index = order[pos];
            Corpus.Item item = corpus.items().get(index);
            for (float[][] x : prepared(index, item)) {
                items.add(index);
                inputs.add(x);
                if (views) {
                    SplittableRandom r = new SplittableRandom(mix(viewSeed, pos, inputs.size()));
                    a.add(augmentations.view(x, r));
                    b.add(augmentations.view(x, r));
                }
            }
        }
        int n = inputs.size();
        float[][] targets = new float[n][classes.size()];
        boolean[] labelled = new boolean[n];
        for (int i = 0; i < n; i++) {
            List<String> l = corpus.items().get(items.get(i)).labels();
            labelled[i] = !l.isEmpty();
            for (String c : l) {
                int k = classes.indexOf(c);
                if (k >= 0) {
                    targets[i][k] = 1f;
                }
            }
        }
        return new Batch(items, inputs.toArray(float[][][]::new), a.toArray(float[][][]::new),
                b.toArray(float[][][]::new), targets, labelled);
    }

    /** The prepared inputs of one corpus item (an archive may hold several). */
    private List<float[][]> prepared(int index, Corpus.Item item) {
        if (failures.containsKey(index)) {
            return List.of();
        }
        List<Ecg> read;
        try {
            read = source.read(item);
        } catch (Exception e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            fail(index, m.contains(item.name()) ? m : item.name() + ": " + m);
            return List.of();
        }
        List<float[][]> out = new ArrayList<>();
        for (Ecg ecg : read) {
            try {
                out.add(preparation.apply(ecg));
            } catch (RuntimeException e) {
                fail(index, item.name() + ": cannot be prepared: " + e.getMessage());
            }
        }
        return out;
    }

    private void fail(int index, String reason) {
        if (failures.putIfAbsent(index, reason) == null && reported.incrementAndGet() <= 20) {
            warn.accept("left out: " + reason);
        }
    }

    /** A well-mixed seed from a run seed and positions (SplitMix64 finaliser). */
    static long mix(long seed, long a, long b) {
        long z = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
