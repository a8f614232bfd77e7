package org.rockstat.band.internal.jobs;

import org.rockstat.band.internal.registry.JobDef;
import org.rockstat.band.internal.registry.JobDef.Kind;
import org.rockstat.band.job.Job;
import org.rockstat.band.job.Schedule;

/** Builds job definitions the way the registry names them. */
final class Jobs {
    private Jobs() {}

    static JobDef worker(String name, Job job) {
        return new JobDef(Kind.WORKER, name, "'" + name + "'", job, null);
    }

    static JobDef task(String name, Schedule schedule, Job job) {
        return new JobDef(Kind.TASK, name, "'" + name + "'", job, schedule);
    }

    static JobDef cleanup(String name, Job job) {
        return new JobDef(Kind.CLEANUP, name, "'" + name + "'", job, null);
    }
}
