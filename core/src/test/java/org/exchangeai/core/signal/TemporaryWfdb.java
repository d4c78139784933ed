package org.exchangeai.core.signal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal decoding of WFDB format 16/212 signals and MIT annotation files, used by the analysis
 * tests only until the project's WFDB reader is available.
 */
final class TemporaryWfdb {

    record Record(double fs, List<String> leads, float[][] mv) {
    }

    record Ann(int sample, int code) {
    }

    private TemporaryWfdb() {
    }

    static Record read(Path hea) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(hea)) {
            if (!l.isBlank() && !l.startsWith("#")) {
                lines.add(l.trim());
            }
        }
        String[] first = lines.get(0).split("\\s+");
        int nsig = Integer.parseInt(first[1]);
        double fs = Double.parseDouble(first[2]);
        int n = Integer.parseInt(first[3]);
        List<String> names = new ArrayList<>();
        double[] gain = new double[nsig];
        int[] base = new int[nsig];
        int fmt = 0;
        String dat = null;
        for (int s = 0; s < nsig; s++) {
            String[] f = lines.get(1 + s).split("\\s+");
            dat = f[0];
            fmt = Integer.parseInt(f[1]);
            String g = f[2];
            int slash = g.indexOf('/');
            if (slash >= 0) {
                g = g.substring(0, slash);
            }
            int paren = g.indexOf('(');
            if (paren >= 0) {
                base[s] = Integer.parseInt(g.substring(paren + 1, g.indexOf(')')));
                g = g.substring(0, paren);
            } else {
                base[s] = Integer.parseInt(f[4]);
            }
            gain[s] = Double.parseDouble(g);
            names.add(f[f.length - 1]);
        }
        byte[] b = Files.readAllBytes(hea.resolveSibling(dat));
        float[][] out = new float[nsig][n];
        if (fmt == 16) {
            for (int t = 0; t < n; t++) {
                for (int s = 0; s < nsig; s++) {
                    int i = 2 * (t * nsig + s);
                    int v = (short) ((b[i] & 0xff) | (b[i + 1] << 8));
                    out[s][t] = (float) ((v - base[s]) / gain[s]);
                }
            }
        } else if (fmt == 212 && nsig == 2) {
            for (int t = 0; t < n; t++) {
                int i = 3 * t;
                int b0 = b[i] & 0xff;
                int b1 = b[i + 1] & 0xff;
                int b2 = b[i + 2] & 0xff;
                int v0 = ((b1 & 0x0f) << 8) | b0;
                int v1 = ((b1 & 0xf0) << 4) | b2;
                v0 = v0 >= 2048 ? v0 - 4096 : v0;
                v1 = v1 >= 2048 ? v1 - 4096 : v1;
                out[0][t] = (float) ((v0 - base[0]) / gain[0]);
                out[1][t] = (float) ((v1 - base[1]) / gain[1]);
            }
        } else {
            throw new IOException("format " + fmt + " not handled here");
        }
        return new Record(fs, names, out);
    }

    /** MIT annotation file: (sample, code) pairs. */
    static List<Ann> annotations(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        List<Ann> out = new ArrayList<>();
        long t = 0;
        int i = 0;
        while (i + 1 < b.length) {
            int w = (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8);
            i += 2;
            int a = w >> 10;
            int interval = w & 0x3ff;
            if (a == 0 && interval == 0) {
                break;
            }
            if (a == 59) {
                int hi = (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8);
                int lo = (b[i + 2] & 0xff) | ((b[i + 3] & 0xff) << 8);
                t += (hi << 16) | lo;
                i += 4;
            } else if (a == 63) {
                i += interval + (interval & 1);
            } else if (a == 60 || a == 61 || a == 62) {
                // num, sub, chan fields carry no time
            } else {
                t += interval;
                out.add(new Ann((int) t, a));
            }
        }
        return out;
    }
}
