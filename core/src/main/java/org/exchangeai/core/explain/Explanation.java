package org.exchangeai.core.explain;

import java.util.List;
import org.exchangeai.core.prep.Prepared;

/**
 * Why the model gave one recording its score for one class.
 *
 * @param name          the recording's name
 * @param className     the explained class
 * @param probability   the model's probability for that class
 * @param probabilities all class probabilities, in the model's class order
 * @param prepared      the model input the attribution refers to
 * @param attribution   at the model's input rate, {@code [leads][samples]}
 * @param leads         lead names of the attribution's rows (the preparation's order)
 * @param fs            the recording's sampling rate
 * @param onRecording   the attribution on the recording's own time axis, {@code [leads][recording samples]}
 *                      ({@link Attribution#onRecordingAxis}); 0 where the model saw nothing
 * @param topWindows    the windows that spoke most for the class, with the wave each falls in
 */
public record Explanation(String name, String className, double probability, double[] probabilities, Prepared prepared,
        Attribution attribution, List<String> leads, double fs, float[][] onRecording, List<TimeWindow> topWindows) {
}
