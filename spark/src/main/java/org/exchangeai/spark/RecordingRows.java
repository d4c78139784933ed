package org.exchangeai.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.Measurement;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.ReadResult;
import org.exchangeai.core.model.Prediction;
import org.exchangeai.core.signal.Measurements;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The output table: one row per recording, the columns of {@code inspect --json}, then the
 * measurements of {@code analyse}, then one column per model with what {@code predict} gives.
 * Columns are documented in {@code docs/scale.md}.
 */
final class RecordingRows {

    /** The measurement columns of {@code analysis}, named as {@link Measurements.Result#asMap()} names them. */
    static final List<String> MEASUREMENTS = List.of("hr_bpm", "sdnn_ms", "rmssd_ms", "pr_ms", "qrs_ms", "qt_ms",
            "qtc_bazett_ms", "qtc_fridericia_ms", "axis_deg");

    /** The top-level columns of every archive; all but {@code path} and {@code name} are null on a read error. */
    static final List<String> BASE = List.of("path", "name", "format", "fs", "leads", "derived_leads", "samples",
            "duration_s", "units", "amplitude_min_mv", "amplitude_max_mv", "device", "acquisition_time", "properties",
            "device_measurements", "statements", "annotations", "representative_beat_samples", "warnings", "error");

    private RecordingRows() {
    }

    /** What one recording gave: the read result, its analysis (or why it failed) and each model's prediction. */
    record Outcome(ReadResult read, String name, int[] rpeaks, Measurements.Result measurements, String analysisError,
            List<Prediction> predictions) {
    }

    static StructType schema(boolean analyse, List<ModelSpec> models, boolean signals) {
        DataType strings = DataTypes.createArrayType(DataTypes.StringType, true);
        List<StructField> f = new ArrayList<>();
        f.add(field("path", DataTypes.StringType, false));
        f.add(field("name", DataTypes.StringType, false));
        f.add(field("format", DataTypes.StringType, true));
        f.add(field("fs", DataTypes.DoubleType, true));
        f.add(field("leads", strings, true));
        f.add(field("derived_leads", strings, true));
        f.add(field("samples", DataTypes.IntegerType, true));
        f.add(field("duration_s", DataTypes.DoubleType, true));
        f.add(field("units", DataTypes.StringType, true));
        f.add(field("amplitude_min_mv", DataTypes.DoubleType, true));
        f.add(field("amplitude_max_mv", DataTypes.DoubleType, true));
        f.add(field("device", DataTypes.StringType, true));
        f.add(field("acquisition_time", DataTypes.StringType, true));
        f.add(field("properties", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true), true));
        f.add(field("device_measurements", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true), true));
        f.add(field("statements", strings, true));
        f.add(field("annotations", DataTypes.IntegerType, true));
        f.add(field("representative_beat_samples", DataTypes.IntegerType, true));
        f.add(field("warnings", strings, true));
        f.add(field("error", DataTypes.StringType, true));
        if (analyse) {
            List<StructField> a = new ArrayList<>();
            a.add(field("r_peaks", DataTypes.IntegerType, true));
            for (String m : MEASUREMENTS) {
                a.add(field(m, DataTypes.DoubleType, true));
            }
            a.add(field("error", DataTypes.StringType, true));
            f.add(field("analysis", DataTypes.createStructType(a), true));
        }
        for (ModelSpec m : models) {
            List<StructField> probs = new ArrayList<>();
            for (String c : m.classes()) {
                probs.add(field(c, DataTypes.DoubleType, true));
            }
            f.add(field(m.column(), DataTypes.createStructType(List.of(
                    field("probabilities", DataTypes.createStructType(probs), true),
                    field("predicted", DataTypes.StringType, true),
                    field("error", DataTypes.StringType, true),
                    field("warnings", strings, true))), true));
        }
        if (signals) {
            f.add(field("signal", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), true));
        }
        return DataTypes.createStructType(f);
    }

    /** Classes as struct field names: unique and non-empty (a repeated or empty name gets its index). */
    static List<String> fieldNames(List<String> classes) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            String c = classes.get(i) == null || classes.get(i).isBlank() ? "class_" + i : classes.get(i);
            if (!seen.add(c)) {
                c = c + "_" + i;
                seen.add(c);
            }
            out.add(c);
        }
        return out;
    }

    static Row row(String path, Outcome o, boolean analyse, List<ModelSpec> models, boolean signals) {
        List<Object> v = new ArrayList<>();
        ReadResult r = o.read();
        Ecg ecg = r.ecg();
        v.add(path);
        v.add(o.name());
        if (ecg == null) {
            for (int i = 2; i < BASE.size() - 1; i++) {
                v.add(null);
            }
            v.add(r.error().reason());
        } else {
            SourceInfo src = ecg.source();
            float[] range = ecg.amplitudeRange();
            v.add(src == null ? null : src.format());
            v.add(ecg.fs());
            v.add(ecg.leads().toArray(new String[0]));
            v.add(ecg.derivedLeads().toArray(new String[0]));
            v.add(ecg.length());
            v.add(ecg.durationSeconds());
            v.add(src == null ? null : src.units());
            v.add(Float.isFinite(range[0]) ? (double) range[0] : null);
            v.add(Float.isFinite(range[1]) ? (double) range[1] : null);
            v.add(src == null ? null : src.device());
            v.add(src == null ? null : src.acquisitionTime());
            v.add(src == null ? null : scalaMap(src.properties()));
            Map<String, Double> meas = new LinkedHashMap<>();
            for (Measurement m : ecg.measurements()) {
                meas.put(m.name(), m.value());
            }
            v.add(scalaMap(meas));
            v.add(ecg.statements().toArray(new String[0]));
            v.add(ecg.annotations().size());
            v.add(ecg.representativeBeat() == null ? null : ecg.representativeBeat().length());
            v.add(ecg.warnings().toArray(new String[0]));
            v.add(null);
        }
        if (analyse) {
            v.add(analysis(o));
        }
        for (int m = 0; m < models.size(); m++) {
            v.add(prediction(ecg, o.predictions().get(m), models.get(m)));
        }
        if (signals) {
            v.add(ecg == null ? null : ecg.samples());
        }
        return RowFactory.create(v.toArray());
    }

    private static Row analysis(Outcome o) {
        if (o.read().ecg() == null) {
            return null;
        }
        Object[] a = new Object[MEASUREMENTS.size() + 2];
        if (o.measurements() != null) {
            a[0] = o.rpeaks().length;
            Map<String, Double> m = o.measurements().asMap();
            for (int i = 0; i < MEASUREMENTS.size(); i++) {
                a[i + 1] = m.get(MEASUREMENTS.get(i));
            }
        }
        a[a.length - 1] = o.analysisError();
        return RowFactory.create(a);
    }

    private static Row prediction(Ecg ecg, Prediction p, ModelSpec spec) {
        if (ecg == null) {
            return null;
        }
        Object[] probs = new Object[spec.classes().size()];
        if (p.ok()) {
            for (int c = 0; c < probs.length; c++) {
                probs[c] = p.probabilities()[c];
            }
        }
        // the recording's own warnings are in the row's warnings; these are the preparation's
        List<String> w = p.warnings();
        List<String> own = ecg.warnings();
        List<String> extra = w.size() >= own.size() && w.subList(0, own.size()).equals(own)
                ? w.subList(own.size(), w.size()) : w;
        return RowFactory.create(p.ok() ? RowFactory.create(probs) : null, p.predicted(), p.error(),
                extra.toArray(new String[0]));
    }

    private static <V> scala.collection.Map<String, V> scalaMap(Map<String, V> m) {
        return CollectionConverters.asScala(m);
    }

    private static StructField field(String name, DataType type, boolean nullable) {
        return DataTypes.createStructField(name, type, nullable);
    }
}
