package org.exchangeai.app.jobs;

/** What a running job can tell the runner and ask it. */
public interface JobContext {

    long id();

    /** Reports progress between 0 and 1 with a short message for the user. */
    void progress(double fraction, String message);

    /** Adds a line to the job's log shown on its page. */
    void log(String line);

    /** Whether the user asked to stop; a job checks this between units of work. */
    boolean cancelled();

    /** Stores the job's result (JSON) for its page. */
    void result(String json);
}
