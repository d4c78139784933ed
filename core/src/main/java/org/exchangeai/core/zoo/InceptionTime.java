package org.exchangeai.core.zoo;

import java.util.List;
import org.exchangeai.core.onnx.OnnxGraph;

/**
 * InceptionTime (Ismail Fawaz et al. 2020, "InceptionTime: Finding AlexNet for time series
 * classification"), in the layout of the tsai implementation the original platform's
 * {@code InceptionTime_untrained.onnx} was exported from: 6 inception modules of 32 filters (bottleneck
 * 1×1, kernels 39/19/9, max-pool branch), concatenated to 128 channels with BatchNormalization and ReLU;
 * residual connections after modules 3 and 6; global average pooling and a linear classifier. 12 leads
 * and 2 classes give 457,218 parameters, as in the reference file. Any input length.
 */
public final class InceptionTime {

    public static final int FILTERS = 32;
    public static final int DEPTH = 6;
    static final int[] KERNELS = {39, 19, 9};

    private InceptionTime() {
    }

    public static OnnxGraph build(int leads, List<String> classes, long seed) {
        GraphBuilder g = new GraphBuilder("InceptionTime", leads, null, seed);
        String x = GraphBuilder.INPUT;
        String residual = x;
        int channels = leads;
        int residualChannels = leads;
        for (int d = 0; d < DEPTH; d++) {
            String p = "inception." + d;
            String bottleneck = channels > 1 ? g.conv(x, p + ".bottleneck", channels, FILTERS, 1, 1, false) : x;
            int bottleneckChannels = channels > 1 ? FILTERS : channels;
            List<String> branches = new java.util.ArrayList<>();
            for (int k = 0; k < KERNELS.length; k++) {
                branches.add(g.conv(bottleneck, p + ".convs." + k, bottleneckChannels, FILTERS, KERNELS[k], 1, false));
            }
            String pooled = g.maxPool(x, p + ".maxconvpool.0", 3, 1);
            branches.add(g.conv(pooled, p + ".maxconvpool.1", channels, FILTERS, 1, 1, false));
            x = g.relu(g.batchNorm(g.concat(branches, p + ".concat"), p + ".bn", 4 * FILTERS), p + ".act");
            channels = 4 * FILTERS;
            if (d % 3 == 2) {
                String s = "shortcut." + (d / 3);
                String shortcut = residualChannels == channels ? g.batchNorm(residual, s, channels)
                        : g.batchNorm(g.conv(residual, s + ".0", residualChannels, channels, 1, 1, false), s + ".1", channels);
                x = g.relu(g.add(x, shortcut, "add." + (d / 3)), "act." + (d / 3));
                residual = x;
                residualChannels = channels;
            }
        }
        String pooled = g.flatten(g.globalAveragePool(x, "gap"), "flatten");
        return g.build(g.linear(pooled, "fc", channels, classes.size()), classes, "InceptionTime", 100);
    }
}
