package org.exchangeai.core.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.exchangeai.core.Npy;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.signal.Baseline;
import org.exchangeai.core.signal.Resampler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Recordings per second for the original platform's whole preparation (upload stage + model
 * input stage for xc_super: 12 x 5000 samples at 500 Hz to 12 x 1000 float32), on one thread, next
 * to a plain copy of the same samples as the floor. The input is the golden {@code ludb_2}
 * recording; the setup checks that the output equals the golden model input before timing.
 *
 * <p>Run: {@code ./mvnw -B -q -o -pl core test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test} then
 * {@code java -cp core/target/test-classes:core/target/classes:$(cat core/target/test.cp)
 * org.exchangeai.core.bench.PreparationBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PreparationBenchmark {

    private Ecg ecg;
    private float[][] samples;
    private double[][] leads;
    private double[][] upload;
    private Preparation xcSuper;

    @Setup(Level.Trial)
    public void setUp() {
        double[][] raw = Npy.read(TestData.golden("ludb_2/raw.npy")).transposed();
        Ecg.Builder b = Ecg.builder(500);
        for (int i = 0; i < 12; i++) {
            float[] f = new float[raw[i].length];
            for (int t = 0; t < f.length; t++) {
                f[t] = (float) raw[i][t];
            }
            b.lead(LeadNames.STANDARD_12.get(i), f);
        }
        ecg = b.build();
        samples = ecg.samples();
        leads = raw;
        xcSuper = Preparation.fromMetadata(Map.of("standardizer", "None", "scale", "mikroVolt"));
        upload = xcSuper.upload(leads, 500);
        double[][] golden = Npy.read(TestData.golden("ludb_2/mi_none_mikroVolt.npy")).matrix();
        float[][] mine = xcSuper.apply(ecg);
        double maxAbs = 0;
        double maxErr = 0;
        for (int i = 0; i < 12; i++) {
            for (int t = 0; t < 1000; t++) {
                maxAbs = Math.max(maxAbs, Math.abs(golden[i][t]));
                maxErr = Math.max(maxErr, Math.abs(golden[i][t] - mine[i][t]));
            }
        }
        if (maxErr / maxAbs > 1e-4) {
            throw new IllegalStateException("preparation differs from golden: " + maxErr / maxAbs);
        }
    }

    /** The floor: copy 12 x 5000 float samples into fresh arrays. */
    @Benchmark
    public float[][] copyFloor() {
        float[][] out = new float[samples.length][];
        for (int i = 0; i < samples.length; i++) {
            out[i] = samples[i].clone();
        }
        return out;
    }

    /** The whole chain from the recording: lead selection, upload stage, model input stage. */
    @Benchmark
    public float[][] fullPreparation() {
        return xcSuper.apply(ecg);
    }

    /** Upload stage alone (FFT resampling 5000 to 1000 per lead, unit check, clipping). */
    @Benchmark
    public double[][] uploadStage() {
        return xcSuper.upload(leads, 500);
    }

    /** Model input stage alone (moving median over 201 samples, scale, float cast). */
    @Benchmark
    public float[][] modelInputStage() {
        return xcSuper.modelInput(upload, 100);
    }

    /** FFT resampling of one lead, 5000 to 1000 samples. */
    @Benchmark
    public double[] fftResampleOneLead() {
        return Resampler.fft(leads[1], 1000);
    }

    /** Polyphase resampling of one lead, 500 to 100 Hz. */
    @Benchmark
    public double[] polyphaseResampleOneLead() {
        return Resampler.polyphase(leads[1], 1, 5);
    }

    /** Moving median of one 1000-sample lead over 201 samples. */
    @Benchmark
    public double[] movingMedianOneLead() {
        return Baseline.movingMedian(upload[1], 201);
    }

    /**
     * Runs the JMH benchmarks, or with the argument {@code cpu} measures each benchmark's thread
     * CPU time instead of wall time (steadier on a machine shared with other work):
     * operations per CPU-second over {@code seconds} (default 5) per benchmark after a warm-up.
     */
    public static void main(String[] args) throws RunnerException {
        if (args.length > 0 && args[0].equals("cpu")) {
            cpuTime(args.length > 1 ? Double.parseDouble(args[1]) : 5);
            return;
        }
        Options opt = new OptionsBuilder()
                .include(PreparationBenchmark.class.getSimpleName())
                .jvmArgsAppend("-Dexchangeai.shared=" + TestData.shared())
                .build();
        new Runner(opt).run();
    }

    private static void cpuTime(double seconds) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        PreparationBenchmark b = new PreparationBenchmark();
        b.setUp();
        Map<String, java.util.function.Supplier<Object>> ops = new java.util.LinkedHashMap<>();
        ops.put("copyFloor", b::copyFloor);
        ops.put("fullPreparation", b::fullPreparation);
        ops.put("uploadStage", b::uploadStage);
        ops.put("modelInputStage", b::modelInputStage);
        ops.put("fftResampleOneLead", b::fftResampleOneLead);
        ops.put("polyphaseResampleOneLead", b::polyphaseResampleOneLead);
        ops.put("movingMedianOneLead", b::movingMedianOneLead);
        Object sink = null;
        for (int round = 0; round < 2; round++) {
            for (Map.Entry<String, java.util.function.Supplier<Object>> e : ops.entrySet()) {
                long budget = (long) ((round == 0 ? 2 : seconds) * 1e9);
                long start = mx.getCurrentThreadCpuTime();
                long used;
                long count = 0;
                do {
                    for (int i = 0; i < 10; i++) {
                        sink = e.getValue().get();
                    }
                    count += 10;
                    used = mx.getCurrentThreadCpuTime() - start;
                } while (used < budget);
                if (round == 1) {
                    System.out.printf(java.util.Locale.ROOT, "%-26s %12.1f ops per CPU-second%n", e.getKey(), count / (used / 1e9));
                }
            }
        }
        if (sink == null) {
            throw new IllegalStateException();
        }
    }
}
