package org.rockstat.band.internal.jobs;

import java.util.List;
import org.rockstat.band.internal.registry.JobDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs cleanups one after another in registration order; a failure does not skip the rest. */
final class Cleanups {
    private static final Logger log = LoggerFactory.getLogger(Cleanups.class);

    private Cleanups() {}

    static void runAll(List<JobDef> cleanups) {
        JobFailures failures = new JobFailures(log);
        for (JobDef cleanup : cleanups) {
            try {
                cleanup.job().run();
                log.debug("Cleanup {} done", cleanup.source());
            } catch (Throwable failure) {
                failures.log("Cleanup", cleanup.source(), failure);
            }
        }
    }
}
