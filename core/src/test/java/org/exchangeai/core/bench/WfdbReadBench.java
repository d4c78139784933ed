package org.exchangeai.core.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.WfdbReader;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reading WFDB records against plainly reading the same files' bytes ({@link Files#readAllBytes})
 * in the same run: LUDB (60 records, format 16, 12 leads, header + signal + 12 annotation files
 * each) and MIT-BIH record 100 (format 212, header + signal + annotation file). Each operation
 * reads the whole set once; files stay in the page cache, so this measures decoding cost.
 *
 * <p>Run: {@code java -cp <test classpath> org.openjdk.jmh.Main WfdbReadBench}; results and
 * ratios are in {@code docs/benchmarks.md}, section "Reading WFDB".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WfdbReadBench {

    private final WfdbReader reader = new WfdbReader();
    private List<Path> ludbHeaders;
    private List<Path> ludbFiles;
    private Path record100;
    private List<Path> record100Files;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path ludb = TestData.data("ludb/data");
        try (Stream<Path> s = Files.list(ludb)) {
            List<Path> all = s.sorted().toList();
            ludbHeaders = all.stream().filter(p -> p.toString().endsWith(".hea")).toList();
            ludbFiles = all;
        }
        record100 = TestData.data("wfdb/100.hea");
        record100Files = List.of(record100, TestData.data("wfdb/100.dat"), TestData.data("wfdb/100.atr"));
        System.out.printf("LUDB: %d records, %d files, %.2f MB; record 100: %.2f MB%n", ludbHeaders.size(),
                ludbFiles.size(), bytes(ludbFiles) / 1e6, bytes(record100Files) / 1e6);
    }

    static long bytes(List<Path> files) throws IOException {
        long n = 0;
        for (Path p : files) {
            n += Files.size(p);
        }
        return n;
    }

    @Benchmark
    public void ludbWfdbReader(Blackhole bh) throws EcgReadException {
        for (Path h : ludbHeaders) {
            bh.consume(reader.read(h, ReadOptions.DEFAULT));
        }
    }

    @Benchmark
    public void ludbReadAllBytes(Blackhole bh) throws IOException {
        for (Path f : ludbFiles) {
            bh.consume(Files.readAllBytes(f));
        }
    }

    @Benchmark
    public Ecg record100WfdbReader() throws EcgReadException {
        return reader.read(record100, ReadOptions.DEFAULT);
    }

    @Benchmark
    public void record100ReadAllBytes(Blackhole bh) throws IOException {
        for (Path f : record100Files) {
            bh.consume(Files.readAllBytes(f));
        }
    }

    /** Without JMH: a quick timing of each case (warm-up, then the median of 15 runs). */
    public static void main(String[] args) throws Exception {
        WfdbReadBench b = new WfdbReadBench();
        b.setUp();
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        List<String> lines = new ArrayList<>();
        lines.add(String.format("ludb reader   %.3f ms", time(() -> b.ludbWfdbReader(bh))));
        lines.add(String.format("ludb bytes    %.3f ms", time(() -> b.ludbReadAllBytes(bh))));
        lines.add(String.format("rec100 reader %.3f ms", time(() -> bh.consume(b.record100WfdbReader()))));
        lines.add(String.format("rec100 bytes  %.3f ms", time(() -> b.record100ReadAllBytes(bh))));
        lines.forEach(System.out::println);
    }

    interface Task {
        void run() throws Exception;
    }

    private static double time(Task task) throws Exception {
        for (int i = 0; i < 20; i++) {
            task.run();
        }
        double[] ms = new double[15];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            task.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        java.util.Arrays.sort(ms);
        return ms[ms.length / 2];
    }
}
