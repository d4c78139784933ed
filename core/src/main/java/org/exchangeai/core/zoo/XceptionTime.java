package org.exchangeai.core.zoo;

import java.util.ArrayList;
import java.util.List;
import org.exchangeai.core.onnx.OnnxGraph;

/**
 * XceptionTime (Rahimian et al. 2019, "XceptionTime: A Novel Deep Architecture based on Depthwise
 * Separable Convolutions for Hand Gesture Classification"), in the layout of the tsai implementation
 * the original platform's {@code xc_super_pretrained.onnx} was exported from: 4 Xception modules with
 * 16, 32, 64, 128 filters (bottleneck 1×1, depthwise-separable convolutions with kernels 39/19/9,
 * max-pool branch), residual connections (1×1 convolution + BatchNormalization) after modules 2 and 4,
 * adaptive average pooling to 50 steps, then three 1×1 convolution blocks (512→256→128→classes, each
 * with BatchNormalization and ReLU) and global average pooling. 12 leads and 4 classes give 401,240
 * trainable parameters, as in the reference file. The input length must be a multiple of 50.
 */
public final class XceptionTime {

    public static final int FILTERS = 16;
    static final int[] KERNELS = {39, 19, 9};
    static final int POOLED_STEPS = 50;

    private XceptionTime() {
    }

    public static OnnxGraph build(int leads, int samples, List<String> classes, long seed) {
        if (samples % POOLED_STEPS != 0) {
            throw new IllegalArgumentException("XceptionTime needs an input length that is a multiple of "
                    + POOLED_STEPS + ", got " + samples);
        }
        GraphBuilder g = new GraphBuilder("XceptionTime", leads, samples, seed);
        String x = GraphBuilder.INPUT;
        String residual = x;
        int channels = leads;
        int residualChannels = leads;
        for (int d = 0; d < 4; d++) {
            int nf = FILTERS << d;
            String p = "xception." + d;
            String bottleneck = g.conv(x, p + ".bottleneck", channels, nf, 1, 1, false);
            List<String> branches = new ArrayList<>();
            for (int k = 0; k < KERNELS.length; k++) {
                String dw = g.conv(bottleneck, p + ".convs." + k + ".depthwise", nf, nf, KERNELS[k], nf, false);
                branches.add(g.conv(dw, p + ".convs." + k + ".pointwise", nf, nf, 1, 1, false));
            }
            String pooled = g.maxPool(x, p + ".maxconvpool.0", 3, 1);
            branches.add(g.conv(pooled, p + ".maxconvpool.1", channels, nf, 1, 1, false));
            x = g.concat(branches, p + ".concat");
            channels = 4 * nf;
            if (d % 2 == 1) {
                String s = "shortcut." + (d / 2);
                String shortcut = g.batchNorm(g.conv(residual, s + ".0", residualChannels, channels, 1, 1, false),
                        s + ".1", channels);
                x = g.relu(g.add(x, shortcut, "add." + (d / 2)), "act." + (d / 2));
                residual = x;
                residualChannels = channels;
            }
        }
        x = g.averagePool(x, "head.0", samples / POOLED_STEPS);
        int[] widths = {channels / 2, channels / 4, classes.size()};
        int in = channels;
        for (int i = 0; i < widths.length; i++) {
            String p = "head." + (i + 1);
            x = g.relu(g.batchNorm(g.conv(x, p + ".0", in, widths[i], 1, 1, false), p + ".1", widths[i]), p + ".2");
            in = widths[i];
        }
        x = g.flatten(g.globalAveragePool(x, "head.4.gap"), "head.4.flatten");
        return g.build(x, classes, "XceptionTime", 100);
    }
}
