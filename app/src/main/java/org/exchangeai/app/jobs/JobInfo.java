package org.exchangeai.app.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A job as stored: what it is, where it stands, its parameters and result (JSON) and its times (ISO-8601). */
public record JobInfo(long id, String kind, String title, JobState state, double progress, String message,
        String params, String result, String created, String started, String finished) {

    private static final Pattern DATASET = Pattern.compile("\"dataset\"\\s*:\\s*(\\d+)");
    private static final Pattern COMPARISON = Pattern.compile("\"comparison\"\\s*:\\s*(\\d+)");

    /** The page that shows this job's result, or {@code null} for kinds without one. */
    public String page() {
        return switch (kind) {
            case "predict" -> "/predict/" + id;
            case "finetune" -> "/finetune/" + id;
            case "pretrain" -> "/pretrain/" + id;
            case "exchange-pull" -> "/exchange";
            case "compare" -> {
                Matcher m = COMPARISON.matcher(params == null ? "" : params);
                yield m.find() ? "/compare/" + m.group(1) : null;
            }
            case "import" -> {
                Matcher m = DATASET.matcher(params == null ? "" : params);
                yield m.find() ? "/data/" + m.group(1) : null;
            }
            default -> null;
        };
    }

    /** "2026-11-26 09:57", the minute the job was submitted. */
    public String createdText() {
        return created == null || created.length() < 16 ? "" : created.substring(0, 16).replace('T', ' ');
    }

    /** How long it ran ("1 min 05 s"), so far when still running; empty before it started. */
    public String durationText() {
        if (started == null) {
            return "";
        }
        try {
            Instant end = finished == null ? Instant.now() : Instant.parse(finished);
            long s = Math.max(0, Duration.between(Instant.parse(started), end).getSeconds());
            return s < 60 ? s + " s" : String.format(java.util.Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        } catch (java.time.format.DateTimeParseException e) {
            return "";
        }
    }
}
