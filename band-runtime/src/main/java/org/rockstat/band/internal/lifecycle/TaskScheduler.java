package org.rockstat.band.internal.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.rockstat.band.internal.method.JobDef;
import org.rockstat.band.lifecycle.Schedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each task on its own virtual thread in a loop: plan the next run, sleep until then, run.
 * Runs of one task are sequential, so they never overlap.
 */
final class TaskScheduler {
    private static final Logger log = LoggerFactory.getLogger(TaskScheduler.class);

    private final Clock clock;
    private final JobThreads threads = new JobThreads("band-task-");
    private final AtomicLong runs = new AtomicLong();

    TaskScheduler(Clock clock) {
        this.clock = clock;
    }

    void start(List<JobDef> tasks) {
        for (JobDef task : tasks) {
            threads.start(task, () -> loop(task));
        }
    }

    /** When a task whose last planned run was {@code previous} (null: none yet) runs next. */
    static ZonedDateTime nextRun(Schedule schedule, ZonedDateTime previous, Clock clock) {
        return schedule.next(previous, ZonedDateTime.now(clock));
    }

    private void loop(JobDef task) {
        ZonedDateTime planned = null;
        while (!threads.stopping()) {
            planned = nextRun(task.schedule(), planned, clock);
            if (!sleepUntil(planned) || threads.stopping() || !runOnce(task)) {
                break;
            }
        }
        log.debug("Task {} stopped", task.source());
    }

    /** Returns false when interrupted by shutdown; an interrupt at another time keeps the plan. */
    private boolean sleepUntil(ZonedDateTime planned) {
        while (true) {
            Duration wait = Duration.between(clock.instant(), planned.toInstant());
            if (!wait.isPositive()) {
                return true;
            }
            try {
                Thread.sleep(wait);
                return true;
            } catch (InterruptedException e) {
                if (threads.stopping()) {
                    return false;
                }
            }
        }
    }

    /** Runs the task once; returns false when the run ended by shutdown's interrupt. */
    private boolean runOnce(JobDef task) {
        try {
            task.job().run();
        } catch (Throwable failure) {
            if (threads.stopping() && JobFailures.isInterruption(failure)) {
                return false;
            }
            JobFailures.log(log, "Task", task.source(), failure);
        } finally {
            runs.incrementAndGet();
        }
        return true;
    }

    /** The threads, for the lifecycle to interrupt, await and count. */
    JobThreads threads() {
        return threads;
    }

    /** Task runs completed so far, failed ones included. */
    long runs() {
        return runs.get();
    }
}
