package org.exchangeai.app.web;

import org.exchangeai.app.jobs.JobRunner;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.app.store.Workspace;

/** What the pages share: the workspace, its datasets, the job runner and the recording cache. */
public record Services(Workspace workspace, Datasets datasets, JobRunner jobs, RecordingCache cache) {
}
