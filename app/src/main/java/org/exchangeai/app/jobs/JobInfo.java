package org.exchangeai.app.jobs;

/** A job as stored: what it is, where it stands, and its result. */
public record JobInfo(long id, String kind, String title, JobState state, double progress, String message,
        String params, String result, String created, String started, String finished) {
}
