package org.exchangeai.app.jobs;

/** Where a job stands. {@code INTERRUPTED} marks a job the server stopped under (crash or restart). */
public enum JobState {
    QUEUED, RUNNING, DONE, FAILED, CANCELLED, INTERRUPTED;

    public boolean finished() {
        return this != QUEUED && this != RUNNING;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
