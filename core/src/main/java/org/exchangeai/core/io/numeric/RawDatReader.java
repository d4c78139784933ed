package org.exchangeai.core.io.numeric;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Headerless;
import org.exchangeai.core.io.ReadOptions;

/**
 * The original platform's header-less {@code .dat}: little-endian int16 samples interleaved over
 * 12 leads (I, II, III, aVR, aVL, aVF, V1–V6 unless {@code --leads} says otherwise). Only a
 * {@code .dat} with no WFDB header beside it is read this way. Amplitude: value ÷ {@code --adc-gain}
 * in {@code --units}; without options 1000 units per mV (µV integers). The original computes
 * {@code raw × 1000 / adc_gain} (default gain 1000, so the raw integers) and then divides by 1000
 * when the largest magnitude exceeds 100, which for any real ECG stored this way gives the same
 * millivolts as here. Rate from {@code --fs}, else the 10-s rule of {@link Headerless}.
 */
public final class RawDatReader implements EcgFormat {

    static final int DEFAULT_LEADS = 12;
    public static final double DEFAULT_UNITS_PER_MV = 1000;
    static final long MAX_BYTES = 1L << 30;

    @Override
    public String name() {
        return "RAW-DAT";
    }

    @Override
    public boolean detect(Path file, byte[] head) {
        if (!Headerless.extension(file).equals("dat") || head.length == 0 || Headerless.hasWfdbHeader(file)) {
            return false;
        }
        try {
            return Files.size(file) % (2L * DEFAULT_LEADS) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Ecg read(Path file, ReadOptions options) throws EcgReadException {
        String name = file.toString();
        ReadOptions opts = options == null ? ReadOptions.DEFAULT : options;
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        if (size == 0) {
            throw new EcgReadException(name, "file is empty");
        }
        int leads = opts.leads() != null ? opts.leads().size() : DEFAULT_LEADS;
        long frame = 2L * leads;
        if (size % frame != 0) {
            throw new EcgReadException(name, "size " + size + " bytes is not a multiple of " + frame + " (" + leads
                    + " interleaved int16 leads); not a header-less raw .dat, or --leads is wrong");
        }
        if (size > MAX_BYTES) {
            throw new EcgReadException(name, size + " bytes exceed the " + MAX_BYTES + "-byte limit for raw .dat files");
        }
        int samples = (int) (size / frame);
        List<String> warnings = new ArrayList<>();
        Headerless.Rate rate = Headerless.rate(name, opts, samples);
        double mvPerValue;
        if (opts.adcGain() == null && opts.units() == null) {
            mvPerValue = 1.0 / DEFAULT_UNITS_PER_MV;
            warnings.add("header-less .dat: read at the original platform's default of 1000 units per mV (uV integers); "
                    + "pass --adc-gain if the device used another gain");
        } else {
            mvPerValue = Headerless.millivoltsPerValue(name, opts, "mV", 1.0);
        }
        List<String> names = Headerless.leadNames(name, opts, leads, warnings);
        float[][] data = new float[leads][samples];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] buf = new byte[(int) frame * 4096];
            int t = 0;
            while (t < samples) {
                int frames = Math.min(4096, samples - t);
                int len = (int) (frames * frame);
                if (in.readNBytes(buf, 0, len) != len) {
                    throw new EcgReadException(name, "truncated: file ended at sample " + t + " of " + samples);
                }
                for (int f = 0, p = 0; f < frames; f++, t++) {
                    for (int l = 0; l < leads; l++, p += 2) {
                        data[l][t] = (float) ((short) ((buf[p] & 0xff) | (buf[p + 1] & 0xff) << 8) * mvPerValue);
                    }
                }
            }
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        if (rate.warning() != null) {
            warnings.add(rate.warning());
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("layout", leads + " interleaved little-endian int16 leads");
        if (!opts.describe().isEmpty()) {
            props.put("options", opts.describe());
        }
        Ecg.Builder b = Ecg.builder(rate.fs()).deriveMissingLimbLeads(Headerless.mayDerive(opts));
        try {
            for (int l = 0; l < leads; l++) {
                b.lead(names.get(l), data[l]);
            }
        } catch (IllegalArgumentException e) {
            throw new EcgReadException(name, e.getMessage());
        }
        warnings.forEach(b::warning);
        Ecg built = b.build();
        double[] gains = new double[built.leadCount()];
        java.util.Arrays.fill(gains, 1.0 / mvPerValue);
        for (String derived : built.derivedLeads()) {
            gains[built.indexOf(derived)] = Double.NaN;
        }
        return built.toBuilder().source(new SourceInfo(name, name(), "adu", gains, null, rate.fs(), List.of(), null, null,
                props)).build();
    }
}
