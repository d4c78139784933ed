package org.exchangeai.core.ecg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ECG recording: leads in canonical order ({@link LeadNames}), a sampling rate, samples in
 * millivolts, and what is known of its source. Immutable: accessors return copies.
 */
public final class Ecg {

    private final List<String> leads;
    private final double fs;
    private final float[][] samples;
    private final Set<String> derivedLeads;
    private final SourceInfo source;
    private final List<Annotation> annotations;
    private final List<Measurement> measurements;
    private final List<String> statements;
    private final List<String> warnings;
    private final Ecg representativeBeat;

    private Ecg(Builder b, List<String> leads, float[][] samples) {
        this.leads = List.copyOf(leads);
        this.fs = b.fs;
        this.samples = samples;
        this.derivedLeads = Collections.unmodifiableSet(new LinkedHashSet<>(b.derived));
        this.source = b.source;
        this.annotations = List.copyOf(b.annotations);
        this.measurements = List.copyOf(b.measurements);
        this.statements = List.copyOf(b.statements);
        this.warnings = List.copyOf(b.warnings);
        this.representativeBeat = b.representativeBeat;
    }

    public static Builder builder(double fs) {
        return new Builder(fs);
    }

    /** A builder holding everything of this recording, to make a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(fs).deriveMissingLimbLeads(false);
        for (int i = 0; i < leads.size(); i++) {
            b.lead(leads.get(i), samples[i].clone(), derivedLeads.contains(leads.get(i)));
        }
        b.source(source).annotations(annotations).measurements(measurements).statements(statements);
        warnings.forEach(b::warning);
        b.representativeBeat(representativeBeat);
        return b;
    }

    public List<String> leads() {
        return leads;
    }

    public int leadCount() {
        return leads.size();
    }

    public int indexOf(String lead) {
        return leads.indexOf(LeadNames.normalize(lead));
    }

    public boolean hasLead(String lead) {
        return indexOf(lead) >= 0;
    }

    /** Sampling rate in Hz. */
    public double fs() {
        return fs;
    }

    /** Samples per lead. */
    public int length() {
        return samples.length == 0 ? 0 : samples[0].length;
    }

    public double durationSeconds() {
        return length() / fs;
    }

    /** One sample in mV. */
    public float get(int lead, int t) {
        return samples[lead][t];
    }

    /** A copy of one lead, in mV. */
    public float[] lead(int index) {
        return samples[index].clone();
    }

    /** A copy of one lead by name, in mV. */
    public float[] lead(String name) {
        int i = indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no lead " + name + " in " + leads);
        }
        return lead(i);
    }

    /** A copy of all samples, {@code [lead][t]} in mV. */
    public float[][] samples() {
        float[][] copy = new float[samples.length][];
        for (int i = 0; i < samples.length; i++) {
            copy[i] = samples[i].clone();
        }
        return copy;
    }

    /** Copies lead {@code index} into {@code dest} starting at {@code destPos}; no allocation. */
    public void copyLead(int index, int from, float[] dest, int destPos, int count) {
        System.arraycopy(samples[index], from, dest, destPos, count);
    }

    /** Leads computed from others (e.g. III, aVR, aVL, aVF from I and II) rather than stored. */
    public Set<String> derivedLeads() {
        return derivedLeads;
    }

    public SourceInfo source() {
        return source;
    }

    public List<Annotation> annotations() {
        return annotations;
    }

    /** Measurements stated by the device or file (not computed here). */
    public List<Measurement> measurements() {
        return measurements;
    }

    /** Interpretation statements stated by the device or file. */
    public List<String> statements() {
        return statements;
    }

    /** Things a user should know about how this recording was read. */
    public List<String> warnings() {
        return warnings;
    }

    /** The representative (median) beat the file stores, when it stores one. */
    public Ecg representativeBeat() {
        return representativeBeat;
    }

    /** Smallest and largest sample over all leads, in mV ({@code NaN}s ignored). */
    public float[] amplitudeRange() {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float[] lead : samples) {
            for (float v : lead) {
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
            }
        }
        return new float[] {min, max};
    }

    @Override
    public String toString() {
        return "Ecg[" + (source == null ? "?" : source.file()) + ", " + leads + ", " + fs + " Hz, " + length() + " samples]";
    }

    /** Collects leads in any order and spelling; {@link #build()} sorts, checks and derives. */
    public static final class Builder {
        private final double fs;
        private final Map<String, float[]> byName = new LinkedHashMap<>();
        private final Set<String> derived = new LinkedHashSet<>();
        private SourceInfo source;
        private final List<Annotation> annotations = new ArrayList<>();
        private final List<Measurement> measurements = new ArrayList<>();
        private final List<String> statements = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private Ecg representativeBeat;
        private boolean deriveLimbLeads = true;

        private Builder(double fs) {
            if (!(fs > 0) || Double.isInfinite(fs)) {
                throw new IllegalArgumentException("sampling rate must be positive, got " + fs);
            }
            this.fs = fs;
        }

        /**
         * Adds a lead in mV. The name is normalised; an inverted lead ({@code -aVR}) is negated
         * and stored under its plain name.
         *
         * @throws IllegalArgumentException when a lead of the same canonical name is already present
         */
        public Builder lead(String rawName, float[] millivolts) {
            return lead(rawName, millivolts, false);
        }

        public Builder lead(String rawName, float[] millivolts, boolean isDerived) {
            LeadNames.Parsed p = LeadNames.parse(rawName);
            if (byName.containsKey(p.name())) {
                throw new IllegalArgumentException("lead " + p.name() + " appears twice (as '" + rawName + "')");
            }
            float[] data = millivolts;
            if (p.inverted()) {
                data = new float[millivolts.length];
                for (int i = 0; i < data.length; i++) {
                    data[i] = -millivolts[i];
                }
                warnings.add("lead '" + rawName + "' was stored inverted and is shown as " + p.name());
            }
            byName.put(p.name(), data);
            if (isDerived) {
                derived.add(p.name());
            }
            return this;
        }

        public boolean hasLead(String rawName) {
            return byName.containsKey(LeadNames.normalize(rawName));
        }

        public Builder source(SourceInfo source) {
            this.source = source;
            return this;
        }

        public Builder annotations(List<Annotation> list) {
            annotations.addAll(list);
            return this;
        }

        public Builder annotation(Annotation a) {
            annotations.add(a);
            return this;
        }

        public Builder measurements(List<Measurement> list) {
            measurements.addAll(list);
            return this;
        }

        public Builder measurement(String name, double value, String unit) {
            measurements.add(new Measurement(name, value, unit));
            return this;
        }

        public Builder statements(List<String> list) {
            statements.addAll(list);
            return this;
        }

        public Builder statement(String s) {
            statements.add(s);
            return this;
        }

        public Builder warning(String w) {
            warnings.add(w);
            return this;
        }

        public Builder representativeBeat(Ecg beat) {
            this.representativeBeat = beat;
            return this;
        }

        /** Whether missing III, aVR, aVL, aVF (and II from I and III) are computed; on by default. */
        public Builder deriveMissingLimbLeads(boolean on) {
            this.deriveLimbLeads = on;
            return this;
        }

        public Ecg build() {
            if (byName.isEmpty()) {
                throw new IllegalArgumentException("a recording needs at least one lead");
            }
            int n = -1;
            for (Map.Entry<String, float[]> e : byName.entrySet()) {
                if (n < 0) {
                    n = e.getValue().length;
                } else if (e.getValue().length != n) {
                    throw new IllegalArgumentException("lead " + e.getKey() + " has " + e.getValue().length
                            + " samples, others have " + n);
                }
            }
            if (deriveLimbLeads) {
                deriveLimbLeads(n);
            }
            List<String> names = new ArrayList<>(byName.keySet());
            List<String> original = List.copyOf(names);
            names.sort(Comparator.comparingInt(LeadNames::rank).thenComparingInt(original::indexOf));
            float[][] data = new float[names.size()][];
            for (int i = 0; i < names.size(); i++) {
                data[i] = byName.get(names.get(i));
            }
            return new Ecg(this, names, data);
        }

        private void deriveLimbLeads(int n) {
            float[] i1 = byName.get("I");
            float[] i2 = byName.get("II");
            float[] i3 = byName.get("III");
            if (i1 != null && i2 == null && i3 != null) {
                i2 = combine(n, i1, 1f, i3, 1f);
                put("II", i2);
            }
            if (i1 == null || i2 == null) {
                return;
            }
            if (!byName.containsKey("III")) {
                put("III", combine(n, i2, 1f, i1, -1f));
            }
            if (!byName.containsKey("aVR")) {
                put("aVR", combine(n, i1, -0.5f, i2, -0.5f));
            }
            if (!byName.containsKey("aVL")) {
                put("aVL", combine(n, i1, 1f, i2, -0.5f));
            }
            if (!byName.containsKey("aVF")) {
                put("aVF", combine(n, i2, 1f, i1, -0.5f));
            }
        }

        private void put(String name, float[] data) {
            byName.put(name, data);
            derived.add(name);
        }

        private static float[] combine(int n, float[] a, float wa, float[] b, float wb) {
            float[] out = new float[n];
            for (int t = 0; t < n; t++) {
                out[t] = (float) ((double) wa * a[t] + (double) wb * b[t]);
            }
            return out;
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Ecg other)) {
            return false;
        }
        return fs == other.fs && leads.equals(other.leads) && Arrays.deepEquals(samples, other.samples);
    }

    @Override
    public int hashCode() {
        return leads.hashCode() * 31 + Double.hashCode(fs);
    }
}
