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
import org.exchangeai.core.io.wfdb.WfdbReader;
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

    /**
     * Without JMH: each case timed by wall clock and by the thread's CPU time (user + system),
     * which stays meaningful on a machine shared with other work; warm-up, then the median of 15
     * runs. Prints MB/s and recordings/s with the ratio to plain byte reading.
     */
    public static void main(String[] args) throws Exception {
        WfdbReadBench b = new WfdbReadBench();
        b.setUp();
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        double ludbMb = bytes(b.ludbFiles) / 1e6;
        double r100Mb = bytes(b.record100Files) / 1e6;
        double[] ludbReader = time(() -> b.ludbWfdbReader(bh));
        double[] ludbBytes = time(() -> b.ludbReadAllBytes(bh));
        double[] r100Reader = time(() -> bh.consume(b.record100WfdbReader()));
        double[] r100Bytes = time(() -> b.record100ReadAllBytes(bh));
        System.out.println("case | wall ms | CPU ms | MB/s (CPU) | recordings/s (CPU)");
        print("LUDB, WfdbReader (60 records)", ludbReader, ludbMb, 60);
        print("LUDB, Files.readAllBytes (840 files)", ludbBytes, ludbMb, 60);
        print("record 100, WfdbReader", r100Reader, r100Mb, 1);
        print("record 100, Files.readAllBytes (3 files)", r100Bytes, r100Mb, 1);
        System.out.printf("ratio reader/bytes, CPU time: LUDB %.1f, record 100 %.1f%n", ludbReader[1] / ludbBytes[1],
                r100Reader[1] / r100Bytes[1]);
        System.out.printf("ratio reader/bytes, wall time: LUDB %.1f, record 100 %.1f%n", ludbReader[0] / ludbBytes[0],
                r100Reader[0] / r100Bytes[0]);
    }

    private static void print(String name, double[] ms, double mb, int records) {
        System.out.printf("%s | %.2f | %.2f | %.0f | %.0f%n", name, ms[0], ms[1], mb / (ms[1] / 1000), records / (ms[1] / 1000));
    }

    interface Task {
        void run() throws Exception;
    }

    /** Median wall and CPU milliseconds. */
    private static double[] time(Task task) throws Exception {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20; i++) {
            task.run();
        }
        double[] wall = new double[15];
        double[] cpu = new double[15];
        for (int i = 0; i < wall.length; i++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            task.run();
            wall[i] = (System.nanoTime() - t0) / 1e6;
            cpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        java.util.Arrays.sort(wall);
        java.util.Arrays.sort(cpu);
        return new double[] {wall[wall.length / 2], cpu[cpu.length / 2]};
    }
}
