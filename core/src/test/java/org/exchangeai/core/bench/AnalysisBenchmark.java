package org.exchangeai.core.bench;

import java.util.concurrent.TimeUnit;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.signal.Delineator;
import org.exchangeai.core.signal.QrsDetector;
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
 * Recordings per second for multi-lead QRS detection plus delineation of a 12-lead, 5000-sample,
 * 500 Hz recording (LUDB record 2), on one thread, next to a plain copy of the same samples as the
 * floor.
 *
 * <p>Run: {@code ./mvnw -B -q -o -pl core test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test} then
 * {@code java -cp core/target/test-classes:core/target/classes:$(cat core/target/test.cp)
 * org.exchangeai.core.bench.AnalysisBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AnalysisBenchmark {

    private float[][] samples;
    private double fs;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Ecg ecg = Formats.read(TestData.data("ludb/data/2.hea"), ReadOptions.DEFAULT);
        samples = ecg.samples();
        fs = ecg.fs();
        if (samples.length != 12 || samples[0].length != 5000 || fs != 500) {
            throw new IllegalStateException("expected 12 x 5000 at 500 Hz, got " + ecg);
        }
    }

    /** R peaks voted over 12 leads, then per-lead and global delineation. */
    @Benchmark
    public Delineator.Result detectAndDelineate() {
        int[] r = QrsDetector.detect(samples, fs);
        return Delineator.delineate(samples, fs, r);
    }

    /** The floor: one copy of the recording's samples. */
    @Benchmark
    public float[][] copy() {
        float[][] out = new float[samples.length][];
        for (int i = 0; i < samples.length; i++) {
            out[i] = samples[i].clone();
        }
        return out;
    }

    public static void main(String[] args) throws RunnerException {
        Options opt = new OptionsBuilder().include(AnalysisBenchmark.class.getSimpleName()).build();
        new Runner(opt).run();
    }
}
