package org.rockstat.band.internal.registry;

import org.rockstat.band.job.Job;
import org.rockstat.band.job.Schedule;

/**
 * A registered worker, task or cleanup.
 *
 * @param name     for log lines and thread names: the Java method name or the given name
 * @param source   {@code SkeletonService.work} or {@code worker 'load'}
 * @param schedule the task's schedule; {@code null} for workers and cleanups
 */
public record JobDef(Kind kind, String name, String source, Job job, Schedule schedule) {
    /** What the runtime does with it. */
    public enum Kind {
        /** Runs once after start-up, interrupted at shutdown. */
        WORKER,
        /** Runs on a schedule, never overlapping itself. */
        TASK,
        /** Runs at shutdown, after workers and tasks stopped. */
        CLEANUP
    }
}
