package org.exchangeai.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.exchangeai.core.model.ModelException;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.model.Predictor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import scala.Tuple2;

/**
 * Reads, measures and predicts a whole ECG archive on Apache Spark and writes one Parquet row per
 * recording. The driver lists the inputs; a first stage sorts each folder's files into recordings
 * with their companion files (as the command line's folder scan does); a second stage reads,
 * analyses and predicts them in batches and writes Parquet through Spark's commit protocol, so a
 * retried task replaces the output of its failed attempt.
 *
 * <p>Started by {@code spark-submit --class org.exchangeai.spark.ArchiveJob exchangeai-spark.jar ...}
 * on a cluster, or by {@code exchangeai archive ...} on this machine (Spark local mode).
 */
@Command(name = "archive", sortOptions = false,
        description = {"Read, measure and predict a whole ECG archive on Apache Spark; one Parquet row per recording.",
                "Without spark-submit the job runs on this machine (Spark local mode)."})
public final class ArchiveJob implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(arity = "0..*", paramLabel = "PATH",
            description = "Folders (searched recursively), files or ZIP archives, on any file system Hadoop reads "
                    + "(local paths, hdfs://, s3a://, abfs:// ...).")
    List<String> paths = new ArrayList<>();

    @Option(names = "--manifest", paramLabel = "FILE.csv",
            description = "A CSV naming one recording per row (column 'path', else the first); relative paths are "
                    + "relative to the manifest. May be repeated.")
    List<String> manifests = new ArrayList<>();

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL.onnx",
            description = "Predict with this ONNX model (column model_<file name>). May be repeated.")
    List<String> models = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR.parquet", description = "The Parquet folder to write.")
    String out;

    @Option(names = "--analyse", description = "Also detect R peaks and measure HR, HRV, PR, QRS, QT, QTc and axis.")
    boolean analyse;

    @Option(names = "--signals", description = "Also write the harmonised samples (mV, [lead][sample]) in column 'signal'.")
    boolean signals;

    @Option(names = "--partition-by", paramLabel = "COLUMN",
            description = "Partition the output by this column (e.g. format, fs, device, units).")
    String partitionBy;

    @Option(names = "--overwrite", description = "Replace the output folder when it exists.")
    boolean overwrite;

    @Option(names = "--workers", paramLabel = "N",
            description = "Cores to use when running on this machine (default: all); on a cluster spark-submit decides.")
    Integer workers;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Output tasks (default: one per 2,000 recordings, at least two per core).")
    int partitions;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N",
            description = "Recordings per inference batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--model-threads", defaultValue = "1", paramLabel = "N",
            description = "ONNX Runtime threads per task (default ${DEFAULT-VALUE}: Spark already runs one task per core).")
    int modelThreads;

    @Option(names = "--copy-to-local",
            description = "Copy each recording to the task's scratch folder before reading also when it is on the "
                    + "local file system (always done for other file systems).")
    boolean copyToLocal;

    @Option(names = "--fs", paramLabel = "HZ", description = "Sampling rate for files that do not state one.")
    Double fs;

    @Option(names = "--units", paramLabel = "UNIT", description = "Units of header-less values: mV, uV, V, or adu with --adc-gain.")
    String units;

    @Option(names = "--adc-gain", paramLabel = "GAIN", description = "Digital units per unit for header-less integer files.")
    Double adcGain;

    @Option(names = "--leads", paramLabel = "NAMES", description = "Comma-separated lead names in stored order, e.g. I,II,III,aVR,...")
    String leads;

    /** Everything one run of the job needs. */
    record Request(List<String> paths, List<String> manifests, List<String> models, ArchiveOptions options, String out,
            String partitionBy, boolean overwrite, int partitions) {
        Request {
            paths = List.copyOf(paths);
            manifests = List.copyOf(manifests);
            models = List.copyOf(models);
        }
    }

    /**
     * What a finished job counted.
     *
     * @param recordings rows written
     * @param failed     rows of recordings that could not be read
     * @param skipped    files left out as not recordings (documentation, label tables)
     */
    record Summary(long recordings, long failed, long analysisFailed, long predictionFailed, long skipped, int partitions,
            double seconds) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ArchiveJob()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (paths.isEmpty() && manifests.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this), "give at least one PATH or --manifest");
        }
        List<String> leadList = leads == null ? null : Arrays.stream(leads.split(",")).map(String::trim).toList();
        ArchiveOptions options = new ArchiveOptions(fs, units, adcGain, leadList, analyse, signals, batch, modelThreads,
                copyToLocal);
        Request request = new Request(paths, manifests, models, options, out, partitionBy, overwrite, partitions);
        boolean cluster = System.getProperty("spark.master") != null;
        if (cluster && workers != null) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--workers is for runs on this machine; with spark-submit use its --master, --num-executors and --executor-cores");
        }
        SparkSession.Builder builder = SparkSession.builder().appName("exchangeai archive");
        if (!cluster) {
            builder.master("local[" + (workers == null ? "*" : String.valueOf(workers)) + "]")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            PrintStream o = System.out;
            Summary s = run(spark, request);
            o.printf(Locale.ROOT, "%d recording%s written to %s in %.1f s (%.1f recordings/s, %d tasks): %d could not be read",
                    s.recordings(), s.recordings() == 1 ? "" : "s", out, s.seconds(), s.recordings() / Math.max(s.seconds(), 1e-9),
                    s.partitions(), s.failed());
            if (analyse) {
                o.printf(Locale.ROOT, ", %d not analysed", s.analysisFailed());
            }
            if (!models.isEmpty()) {
                o.printf(Locale.ROOT, ", %d model predictions failed", s.predictionFailed());
            }
            o.printf(Locale.ROOT, "; %d file%s skipped (not recordings)%n", s.skipped(), s.skipped() == 1 ? "" : "s");
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** Runs the whole job. */
    static Summary run(SparkSession spark, Request request) throws IOException, ModelException {
        Prepared p = prepare(spark, request);
        return p.write(p.rows());
    }

    /**
     * A job ready to run: the recordings grouped, the processing planned; {@link #write} runs it.
     * Tests put a step between {@link #rows()} and {@link #write} (a task that fails once).
     */
    static final class Prepared {
        private final SparkSession spark;
        private final Request request;
        private final StructType schema;
        private final JavaRDD<RecordingGroup> groups;
        private final JavaRDD<RecordingGroup> cached;
        private final RecordingProcessor processor;
        private final RecordingProcessor.Counts counts;
        private final long skipped;
        private final int partitions;
        private final long started;

        private Prepared(SparkSession spark, Request request, StructType schema, JavaRDD<RecordingGroup> groups,
                JavaRDD<RecordingGroup> cached, RecordingProcessor processor, RecordingProcessor.Counts counts, long skipped,
                int partitions, long started) {
            this.spark = spark;
            this.request = request;
            this.schema = schema;
            this.groups = groups;
            this.cached = cached;
            this.processor = processor;
            this.counts = counts;
            this.skipped = skipped;
            this.partitions = partitions;
            this.started = started;
        }

        StructType schema() {
            return schema;
        }

        /** The output rows, computed when written. */
        JavaRDD<Row> rows() {
            return groups.mapPartitions(processor);
        }

        /** Writes {@code rows} as Parquet and returns the counts. */
        Summary write(JavaRDD<Row> rows) {
            try {
                DataFrameWriter<Row> w = spark.createDataFrame(rows, schema).write()
                        .mode(request.overwrite() ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
                if (request.partitionBy() != null) {
                    w = w.partitionBy(request.partitionBy());
                }
                w.parquet(request.out());
            } finally {
                cached.unpersist(false);
            }
            return new Summary(counts.recordings().value(), counts.failed().value(), counts.analysisFailed().value(),
                    counts.predictionFailed().value(), skipped, partitions, (System.nanoTime() - started) / 1e9);
        }
    }

    static Prepared prepare(SparkSession spark, Request request) throws IOException, ModelException {
        long started = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        checkOutput(request, conf);
        List<ModelSpec> specs = loadModels(request.models(), conf);
        StructType schema = RecordingRows.schema(request.options().analyse(), specs, request.options().signals());
        checkPartitionColumn(request.partitionBy(), schema);

        HadoopConf hadoop = new HadoopConf(conf);
        List<ScanUnit> units = Inputs.units(request.paths(), request.manifests(), conf);
        int cores = Math.max(1, jsc.defaultParallelism());
        boolean copy = request.options().copyToLocal();
        LongAccumulator skipped = jsc.sc().longAccumulator("files skipped");
        Broadcast<HadoopConf> hadoopConf = jsc.broadcast(hadoop);
        JavaRDD<RecordingGroup> grouped = jsc.parallelize(units, Math.max(1, Math.min(units.size(), 4 * cores)))
                .flatMap(u -> {
                    Grouping.Result r = Grouping.of(u, hadoopConf.value().get(), copy);
                    skipped.add(r.skipped());
                    return r.groups().iterator();
                });
        grouped.setName("recordings with their companion files").persist(StorageLevel.MEMORY_AND_DISK());
        long count = grouped.count();
        int partitions = request.partitions() > 0 ? request.partitions()
                : (int) Math.max(2L * cores, (count + 1999) / 2000);
        JavaRDD<RecordingGroup> spread = grouped
                .mapToPair(g -> new Tuple2<>(g.file(), g))
                .partitionBy(new HashPartitioner(partitions))
                .values();

        Broadcast<RecordingProcessor.Plan> plan = jsc.broadcast(new RecordingProcessor.Plan(request.options(), specs, hadoop));
        RecordingProcessor.Counts counts = new RecordingProcessor.Counts(jsc.sc().longAccumulator("recordings"),
                jsc.sc().longAccumulator("unreadable"), jsc.sc().longAccumulator("not analysed"),
                jsc.sc().longAccumulator("predictions failed"));
        return new Prepared(spark, request, schema, spread, grouped, new RecordingProcessor(plan, counts), counts,
                skipped.value(), partitions, started);
    }

    private static void checkOutput(Request request, Configuration conf) throws IOException {
        Path out = new Path(request.out());
        FileSystem fs = out.getFileSystem(conf);
        if (fs.exists(out) && !request.overwrite()) {
            throw new IOException(request.out() + " already exists; --overwrite replaces it");
        }
    }

    /** Loads each model once on the driver, so that a bad model stops the job before any work. */
    static List<ModelSpec> loadModels(List<String> files, Configuration conf) throws IOException, ModelException {
        List<ModelSpec> specs = new ArrayList<>();
        Set<String> columns = new HashSet<>();
        for (String file : files) {
            Path p = new Path(file);
            byte[] bytes;
            try (InputStream in = p.getFileSystem(conf).open(p)) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new ModelException(file + ": cannot be read: " + LocalFiles.reason(e), e);
            }
            List<String> classes;
            try (OnnxModel model = OnnxModel.load(java.nio.file.Path.of(p.getName()), bytes, 1)) {
                Predictor.forModel(model, 1);
                model.warnings().forEach(w -> System.err.println("warning: " + file + ": " + w));
                classes = model.card().classes();
            } catch (RuntimeException e) {
                throw new ModelException(file + ": cannot be used for prediction: " + e.getMessage(), e);
            }
            ModelSpec spec = ModelSpec.of(file, bytes, RecordingRows.fieldNames(classes));
            if (!columns.add(spec.column())) {
                throw new ModelException(file + ": another model already writes column " + spec.column()
                        + "; give the files different names");
            }
            specs.add(spec);
        }
        return specs;
    }

    private static void checkPartitionColumn(String column, StructType schema) {
        if (column == null) {
            return;
        }
        List<String> allowed = new ArrayList<>();
        for (StructField f : schema.fields()) {
            if (f.dataType() instanceof AtomicType && !f.name().equals("path") && !f.name().equals("name")) {
                allowed.add(f.name());
            }
        }
        if (!allowed.contains(column)) {
            throw new IllegalArgumentException("cannot partition by '" + column + "'; choose one of " + String.join(", ", allowed));
        }
    }
}
