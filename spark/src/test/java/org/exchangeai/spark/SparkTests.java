package org.exchangeai.spark;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.SparkSession;
import org.exchangeai.app.cli.Main;

/** A small local Spark and the command line run in-process, for the archive job's tests. */
final class SparkTests {

    private SparkTests() {
    }

    /** Two cores, each task tried up to three times; no web UI, no network beyond the loopback. */
    static SparkSession session() {
        return SparkSession.builder().master("local[2,3]").appName("archive tests")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    /** What the command line prints to standard output for {@code args}, and its exit status. */
    record Cli(int status, String out) {
    }

    static synchronized Cli run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Cli(status, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
