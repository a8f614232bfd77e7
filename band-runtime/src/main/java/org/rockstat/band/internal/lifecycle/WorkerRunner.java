package org.rockstat.band.internal.lifecycle;

import java.util.List;
import org.rockstat.band.internal.method.JobDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs each worker once on its own virtual thread and interrupts them at shutdown. */
final class WorkerRunner {
    private static final Logger log = LoggerFactory.getLogger(WorkerRunner.class);

    private final JobThreads threads = new JobThreads("band-worker-");

    void start(List<JobDef> workers) {
        for (JobDef worker : workers) {
            threads.start(worker, () -> run(worker));
        }
    }

    private void run(JobDef worker) {
        try {
            worker.job().run();
            log.debug("Worker {} finished", worker.source());
        } catch (Throwable failure) {
            if (threads.stopping() && JobFailures.isInterruption(failure)) {
                log.debug("Worker {} stopped", worker.source());
            } else {
                JobFailures.log(log, "Worker", worker.source(), failure);
            }
        }
    }

    /** The threads, for the lifecycle to interrupt, await and count. */
    JobThreads threads() {
        return threads;
    }
}
