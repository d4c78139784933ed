package org.exchangeai.core.io.norav;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Headerless;
import org.exchangeai.core.io.ReadLimits;
import org.exchangeai.core.io.ReadOptions;

/**
 * Norav Medical {@code .rdt} recordings. The vendor does not document the layout and the two
 * open readers disagree (one reads 12 interleaved int16 channels without a header at 2.44 µV,
 * the other a 4-byte header of int16 channel count and int16 rate, then interleaved int16
 * samples at 5 µV). The file in the shared data settles the layout: its first two int16 are 3
 * and 1000, the rest divides into whole 3-channel frames, and read that way the three channels
 * are smooth signals (read as 12 channels without a header, the columns repeat with period 3).
 * What no byte states is the amplitude scale and which leads the channels are; so a file is
 * read only when the user gives the scale ({@code --adc-gain}, units per mV), and its channels
 * keep generic names unless {@code --leads} names them. Without the scale the file is refused
 * with a reason that names what is unknown: nothing is guessed.
 */
public final class NoravRdtReader implements EcgFormat {

    static final String NAME = "Norav-RDT";
    private static final int HEADER = 4;

    @Override
    public String name() {
        return NAME;
    }

    /** Channels and rate of the 4-byte header when the file's size fits them, else {@code null}. */
    static int[] header(byte[] head, long size) {
        if (head.length < HEADER) {
            return null;
        }
        ByteBuffer bb = ByteBuffer.wrap(head, 0, HEADER).order(ByteOrder.LITTLE_ENDIAN);
        int channels = bb.getShort();
        int rate = bb.getShort() & 0xffff;
        if (channels < 1 || channels > 16 || rate < 50 || rate > 20_000) {
            return null;
        }
        long data = size - HEADER;
        if (data <= 0 || data % (2L * channels) != 0) {
            return null;
        }
        return new int[] {channels, rate};
    }

    @Override
    public boolean detect(Path file, byte[] head) {
        if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".rdt")) {
            return false;
        }
        try {
            return header(head, Files.size(file)) != null;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean resembles(Path file, byte[] head) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".rdt");
    }

    @Override
    public Ecg read(Path file, ReadOptions options) throws EcgReadException {
        String name = file.toString();
        ReadOptions opts = options == null ? ReadOptions.DEFAULT : options;
        long size;
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            head = in.readNBytes(HEADER);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        int[] h = header(head, size);
        if (h == null) {
            throw new EcgReadException(name, "Norav RDT file whose layout is not the one established (a 4-byte header "
                    + "of channel count 1-16 and rate, then whole frames of int16 samples): the vendor documents none, "
                    + "so it is not read");
        }
        int channels = h[0];
        int fs = h[1];
        long frames = (size - HEADER) / (2L * channels);
        if (opts.adcGain() == null && opts.units() == null) {
            throw new EcgReadException(name, "Norav RDT: the header gives " + channels + " channels at " + fs
                    + " Hz, but the file states neither the amplitude scale (the published readers assume 2.44 uV and "
                    + "5 uV per unit) nor which leads the channels are; pass --adc-gain (units per mV) and --leads "
                    + "to read it");
        }
        ReadLimits.checkRate(name, NAME, "the header's rate", fs);
        ReadLimits.checkValues(name, NAME, "the file holds " + frames + " frames of " + channels + " channels",
                channels, frames);
        double mvPerValue = Headerless.millivoltsPerValue(name, opts, "mV", 1.0);
        List<String> warnings = new ArrayList<>();
        List<String> names = Headerless.leadNames(name, opts, channels, warnings);
        float[][] mv = new float[channels][(int) frames];
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            in.skipNBytes(HEADER);
            byte[] buf = new byte[2 * channels * 4096];
            long done = 0;
            while (done < frames) {
                int n = (int) Math.min(4096, frames - done);
                int bytes = n * 2 * channels;
                if (in.readNBytes(buf, 0, bytes) < bytes) {
                    throw new EcgReadException(name, "Norav RDT file ended early while reading");
                }
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, bytes).order(ByteOrder.LITTLE_ENDIAN);
                for (int f = 0; f < n; f++) {
                    for (int c = 0; c < channels; c++) {
                        mv[c][(int) (done + f)] = (float) (bb.getShort() * mvPerValue);
                    }
                }
                done += n;
            }
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        Ecg.Builder b = Ecg.builder(fs).deriveMissingLimbLeads(Headerless.mayDerive(opts));
        try {
            for (int c = 0; c < channels; c++) {
                b.lead(names.get(c), mv[c]);
            }
        } catch (IllegalArgumentException e) {
            throw new EcgReadException(name, "Norav RDT: " + e.getMessage());
        }
        warnings.add("the amplitude scale comes from the options given (" + opts.describe()
                + "); the file does not state it");
        warnings.forEach(b::warning);
        b.source(new SourceInfo(name, NAME, Headerless.storedUnits(opts, "mV"), null, null, fs, List.of(), null, null,
                Map.of("channels", Integer.toString(channels), "options", opts.describe())));
        return b.build();
    }
}
