package org.exchangeai.core.zoo;

import java.util.ArrayList;
import java.util.List;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.signal.Resampler;
import org.exchangeai.core.signal.Scale;
import org.exchangeai.core.signal.Standardizer;

/**
 * CardX, this project's own compact 12-lead classifier (449,093 parameters for 12 leads and 5 classes):
 * a mixture of the two reference designs plus channel attention.
 *
 * <ul>
 *   <li>stem: 1×1 convolution 12→128, BatchNormalization, ReLU, then average pooling by 2 in time (the
 *       blocks work at half the input rate: half the FLOPs, twice the receptive field);</li>
 *   <li>6 multi-scale blocks of 128 channels, each: 1×1 bottleneck to 64; depthwise-separable
 *       convolutions with kernels 39/19/9 (XceptionTime's cheap wide receptive fields) and a max-pool
 *       branch (InceptionTime), concatenated to 256 → 1×1 fusion to 128; BatchNormalization; squeeze-and-
 *       excitation channel weighting (Hu et al. 2018; 128→32→128, sigmoid); residual addition and ReLU;</li>
 *   <li>head: global average and global max pooling concatenated (256 features), linear classifier.</li>
 * </ul>
 * Any input length; uses only operators the training engine and ONNX Runtime both run.
 *
 * <p>Its input recipe ({@link #preparation()}) is the one research archives such as PTB-XL are
 * commonly published in: 4th-order Butterworth band-pass 0.5–40 Hz (zero phase), 100 Hz, 10 s,
 * every lead z-scored on its own. A device recording in mV and a z-scored research array of the
 * same ECG then give the same input, so CardX can be pretrained on research archives and used on
 * device files.
 */
public final class CardX {

    public static final int WIDTH = 128;
    public static final int BOTTLENECK = 64;
    public static final int BLOCKS = 6;
    static final int[] KERNELS = {39, 19, 9};

    private CardX() {
    }

    /** CardX's input recipe; see the class comment. */
    public static Preparation preparation() {
        return Preparation.builder()
                .samplingRate(100)
                .windowSamples(1000)
                .resampling(Resampler.Method.POLYPHASE)
                .baseline(Preparation.BaselineMethod.NONE, 0)
                .bandPass(new Preparation.BandPass(0.5, 40, 4))
                .scale(Scale.Unit.MILLI_VOLT)
                .standardizer(Standardizer.LEAD_MEAN_STD)
                .padding(Preparation.Padding.ZERO_PAD_END)
                .outlierClipping(false)
                .upload(false)
                .build();
    }

    public static OnnxGraph build(int leads, List<String> classes, long seed) {
        GraphBuilder g = new GraphBuilder("CardX", leads, null, seed);
        String x = g.averagePool(g.relu(g.batchNorm(g.conv(GraphBuilder.INPUT, "stem.conv", leads, WIDTH, 1, 1, false),
                "stem.bn", WIDTH), "stem.act"), "stem.pool", 2);
        for (int b = 0; b < BLOCKS; b++) {
            String p = "block." + b;
            String bottleneck = g.conv(x, p + ".bottleneck", WIDTH, BOTTLENECK, 1, 1, false);
            List<String> branches = new ArrayList<>();
            for (int k = 0; k < KERNELS.length; k++) {
                String dw = g.conv(bottleneck, p + ".convs." + k + ".depthwise", BOTTLENECK, BOTTLENECK, KERNELS[k],
                        BOTTLENECK, false);
                branches.add(g.conv(dw, p + ".convs." + k + ".pointwise", BOTTLENECK, BOTTLENECK, 1, 1, false));
            }
            branches.add(g.conv(g.maxPool(x, p + ".maxpool", 3, 1), p + ".poolconv", WIDTH, BOTTLENECK, 1, 1, false));
            String fused = g.batchNorm(g.conv(g.concat(branches, p + ".concat"), p + ".fuse", 4 * BOTTLENECK, WIDTH, 1, 1,
                    false), p + ".bn", WIDTH);
            String squeeze = g.globalAveragePool(fused, p + ".se.pool");
            String excite = g.sigmoid(g.conv(g.relu(g.conv(squeeze, p + ".se.reduce", WIDTH, WIDTH / 4, 1, 1, true),
                    p + ".se.act"), p + ".se.expand", WIDTH / 4, WIDTH, 1, 1, true), p + ".se.gate");
            x = g.relu(g.add(g.mul(fused, excite, p + ".se.scale"), x, p + ".add"), p + ".act");
        }
        String pooled = g.concat(List.of(g.globalAveragePool(x, "head.avg"), g.globalMaxPool(x, "head.max")), "head.pool");
        String features = g.flatten(pooled, "head.flatten");
        OnnxGraph graph = g.build(g.linear(features, "head.fc", 2 * WIDTH, classes.size()), classes, "CardX", 100);
        return graph.withMetadata(preparation().toMetadata());
    }
}
