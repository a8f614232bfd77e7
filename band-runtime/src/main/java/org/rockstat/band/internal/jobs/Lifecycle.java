package org.rockstat.band.internal.jobs;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.rockstat.band.internal.metrics.BandMetrics;
import org.rockstat.band.internal.registry.JobDef;
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

    private enum State {
        NEW,
        RUNNING,
        STOPPED
    }

    private final WorkerRunner workers;
    private final TaskScheduler tasks;
    private List<JobDef> cleanups = List.of();
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private State state = State.NEW;

    /** Plans task runs by the system clock in the default time zone. */
    @SuppressWarnings("JavaTimeDefaultTimeZone") // cron schedules run in the machine's local time, as Unix cron does
    public Lifecycle() {
        this(Clock.systemDefaultZone());
    }

    /**
     * Plans task runs by {@code clock}; cron schedules use its zone. A clock that is also a
     * {@link org.rockstat.band.SteppedClock} is waited on instead of slept on.
     */
    public Lifecycle(Clock clock) {
        this(clock, BandMetrics.NOOP);
    }

    /** Like {@link #Lifecycle(Clock)}, telling {@code metrics} every worker and task run. */
    public Lifecycle(Clock clock, BandMetrics metrics) {
        this.tasks = new TaskScheduler(clock, metrics);
        this.workers = new WorkerRunner(metrics);
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
    public void start(List<JobDef> workers, List<JobDef> tasks, List<JobDef> cleanups) {
        start(workers, tasks, cleanups, CompletableFuture.completedFuture(null));
    }

    /**
     * Like {@link #start(List, List, List)}, with every worker's body and every task's schedule
     * held until {@code when} completes: a service starts its jobs once it is ready (subscribed
     * on its transport and joined), so a job's first run can call other services, as the Python
     * band connects before it starts its workers. A stop before that ends them unrun. A task run
     * asked for ({@link #runTask}) runs at once.
     */
    public void start(List<JobDef> workers, List<JobDef> tasks, List<JobDef> cleanups, CompletableFuture<?> when) {
        lock.lock();
        try {
            if (state != State.NEW) {
                throw new IllegalStateException(
                        "the lifecycle was already " + state.name().toLowerCase(java.util.Locale.ROOT));
            }
            state = State.RUNNING;
            this.cleanups = List.copyOf(cleanups);
            this.workers.start(workers, when);
            this.tasks.start(tasks, when);
            log.debug("Started {} worker(s) and {} task(s)", workers.size(), tasks.size());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops scheduling tasks, interrupts workers and task runs, waits up to {@code grace} for them
     * to end (logging a WARN naming any that did not), then runs the cleanups in registration
     * order. Calls after the first return at once.
     */
    public void stop(Duration grace) {
        lock.lock();
        try {
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
        } finally {
            lock.unlock();
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
            log.warn(
                    "Did not stop within {} ms: {}",
                    grace.toMillis(),
                    alive.stream().map(JobDef::source).collect(Collectors.joining(", ")));
        }
        return interrupted;
    }

    /**
     * Runs the task named {@code name} now, outside its schedule, after a run in progress.
     *
     * @return completes when the run ended; fails with what the task threw
     * @throws IllegalArgumentException when no task, or more than one, has that name
     */
    public CompletableFuture<Void> runTask(String name) {
        return tasks.runNow(name);
    }

    /**
     * Completes once the worker named {@code name} has begun running.
     *
     * @throws IllegalArgumentException when no worker, or more than one, has that name
     */
    public CompletableFuture<Void> workerStarted(String name) {
        return workers.find(name).began().copy();
    }

    /**
     * Completes when the worker named {@code name} returned (or stopped at shutdown); fails with
     * what it threw.
     *
     * @throws IllegalArgumentException when no worker, or more than one, has that name
     */
    public CompletableFuture<Void> workerFinished(String name) {
        return workers.find(name).ended().copy();
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
