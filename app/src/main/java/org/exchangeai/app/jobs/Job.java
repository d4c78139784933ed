package org.exchangeai.app.jobs;

/** Background work. It reports progress and checks for cancellation through its {@link JobContext}. */
@FunctionalInterface
public interface Job {

    /**
     * Does the work. Return normally when done (the context's result is kept); throw to fail
     * (the message is shown to the user); return early after {@link JobContext#cancelled()}.
     */
    void run(JobContext ctx) throws Exception;
}
