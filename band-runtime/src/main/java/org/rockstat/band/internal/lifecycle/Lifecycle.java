package org.rockstat.band.internal.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.rockstat.band.internal.method.JobDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a service's workers and tasks and shuts them down in order: interrupt workers and
 * tasks, wait for them up to a grace period, then run cleanups. Kept apart from the transports so
 * shutdown order can be tested on its own.
 *
 * <pre>{@code
 * Lifecycle lifecycle = new Lifecycle();
 * lifecycle.start(workers, tasks, cleanups);
 * ...
 * lifecycle.stop(Duration.ofSeconds(10));
 * }</pre>
 */
public final class Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private enum State { NEW, RUNNING, STOPPED }

    private final WorkerRunner workers = new WorkerRunner();
    private final TaskScheduler tasks;
    private List<JobDef> cleanups = List.of();
    private State state = State.NEW;

    /** Plans task runs by the system clock in the default time zone. */
    public Lifecycle() {
        this(Clock.systemDefaultZone());
    }

    /** Plans task runs by {@code clock}; cron schedules use its zone. */
    public Lifecycle(Clock clock) {
        this.tasks = new TaskScheduler(clock);
    }

    /** Starts workers and tasks without cleanups. */
    public void start(List<JobDef> workers, List<JobDef> tasks) {
        start(workers, tasks, List.of());
    }

    /**
     * Starts each worker once and each task on its schedule, every one on its own virtual thread;
     * remembers {@code cleanups} for {@link #stop(Duration)}.
     *
     * @throws IllegalStateException if already started or stopped
     */
    public synchronized void start(List<JobDef> workers, List<JobDef> tasks, List<JobDef> cleanups) {
        if (state != State.NEW) {
            throw new IllegalStateException("the lifecycle was already " + state.name().toLowerCase());
        }
        state = State.RUNNING;
        this.cleanups = List.copyOf(cleanups);
        this.workers.start(workers);
        this.tasks.start(tasks);
        log.debug("Started {} worker(s) and {} task(s)", workers.size(), tasks.size());
    }

    /**
     * Stops scheduling tasks, interrupts workers and task runs, waits up to {@code grace} for them
     * to end (logging a WARN naming any that did not), then runs the cleanups in registration
     * order. Calls after the first return at once.
     */
    public synchronized void stop(Duration grace) {
        if (state == State.STOPPED) {
            return;
        }
        state = State.STOPPED;
        tasks.threads().interruptAll();
        workers.threads().interruptAll();
        boolean interrupted = awaitJobs(grace);
        Cleanups.runAll(cleanups);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Returns whether the calling thread was interrupted while waiting. */
    private boolean awaitJobs(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        List<JobDef> alive = new ArrayList<>();
        boolean interrupted = false;
        try {
            alive.addAll(workers.threads().awaitAll(deadline));
            alive.addAll(tasks.threads().awaitAll(deadline));
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            log.warn("Shutdown interrupted while waiting for workers and tasks; running cleanups now");
        } else if (!alive.isEmpty()) {
            log.warn("Did not stop within {} ms: {}", grace.toMillis(),
                    alive.stream().map(JobDef::source).collect(Collectors.joining(", ")));
        }
        return interrupted;
    }

    /** Workers still running. */
    public int runningWorkers() {
        return workers.threads().running();
    }

    /** Task threads still running (sleeping between runs counts). */
    public int runningTasks() {
        return tasks.threads().running();
    }

    /** Task runs completed so far, failed ones included. */
    public long taskRuns() {
        return tasks.runs();
    }
}
