package org.exchangeai.core.explain;

/**
 * A stretch of the recording with the attribution it collected.
 *
 * @param startSeconds from here (inclusive), on the recording's own time axis
 * @param endSeconds   to here (exclusive)
 * @param score        sum of the attribution over all leads and the samples of the window
 * @param wave         the part of the heartbeat the window overlaps most: {@code P}, {@code QRS},
 *                     {@code ST}, {@code T}, or {@code other} (PR and TP segments, or no beat found)
 */
public record TimeWindow(double startSeconds, double endSeconds, double score, String wave) {
}
