package org.rockstat.band.internal.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.rockstat.band.SteppedClock;
import org.rockstat.band.internal.metrics.BandMetrics;
import org.rockstat.band.internal.registry.JobDef;
import org.rockstat.band.internal.trace.CallScope;
import org.rockstat.band.job.Schedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each task on its own virtual thread in a loop: plan the next run, wait until then, run.
 * Runs of one task are sequential, so they never overlap, and a run asked for now
 * ({@link #runNow(String)}) waits for the one in progress.
 *
 * <p>Time comes from the clock given: the next run is planned by its instant and zone (cron
 * reads its zone), and the wait is a sleep that reads the clock again on waking, or, when the
 * clock is a {@link SteppedClock}, a wait on the clock itself, so a test that moves it on runs
 * what became due.
 */
final class TaskScheduler {
    private static final Logger log = LoggerFactory.getLogger(TaskScheduler.class);

    private final Clock clock;
    private final BandMetrics metrics;
    private final JobThreads threads = new JobThreads("band-task-");
    private final JobFailures failures = new JobFailures(log);
    private final AtomicLong runs = new AtomicLong();
    private final List<Scheduled> scheduled = new CopyOnWriteArrayList<>();

    /** A started task and the lock that keeps its runs one at a time. */
    private record Scheduled(JobDef task, ReentrantLock running) {}

    TaskScheduler(Clock clock, BandMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Starts each task's thread now; its schedule begins once {@code when} completes (unless shutdown comes first). */
    void start(List<JobDef> tasks, CompletableFuture<?> when) {
        for (JobDef task : tasks) {
            Scheduled entry = new Scheduled(task, new ReentrantLock());
            scheduled.add(entry);
            // taken here, on the starting thread, so a stepped clock knows the task before start() returns
            SteppedClock.Sleeper sleeper =
                    clock instanceof SteppedClock stepped ? stepped.sleeper(task.name()) : new SystemSleeper(clock);
            threads.start(task, () -> {
                try {
                    if (threads.awaitStart(when)) {
                        loop(entry, sleeper);
                    }
                } finally {
                    sleeper.close();
                }
            });
        }
    }

    /** When a task whose last planned run was {@code previous} (null: none yet) runs next. */
    static ZonedDateTime nextRun(Schedule schedule, ZonedDateTime previous, Clock clock) {
        return schedule.next(previous, ZonedDateTime.now(clock));
    }

    private void loop(Scheduled entry, SteppedClock.Sleeper sleeper) {
        JobDef task = entry.task();
        ZonedDateTime planned = null;
        while (!threads.stopping()) {
            planned = nextRun(task.schedule(), planned, clock);
            if (!sleepUntil(sleeper, planned.toInstant()) || threads.stopping() || !runOnce(entry)) {
                break;
            }
        }
        log.debug("Task {} stopped", task.source());
    }

    /** Returns false when interrupted by shutdown; an interrupt at another time keeps the plan. */
    private boolean sleepUntil(SteppedClock.Sleeper sleeper, Instant planned) {
        while (true) {
            try {
                sleeper.sleepUntil(planned);
                return true;
            } catch (InterruptedException e) {
                if (threads.stopping()) {
                    return false;
                }
            }
        }
    }

    /**
     * Runs the task once, after any run in progress; returns false when the run ended by
     * shutdown's interrupt.
     */
    private boolean runOnce(Scheduled entry) {
        try {
            run(entry);
            return true;
        } catch (Throwable failure) {
            return !(threads.stopping() && JobFailures.isInterruption(failure));
        }
    }

    /** One run under the task's lock: counted, and logged when it fails; rethrows the failure. */
    private void run(Scheduled entry) throws Throwable {
        entry.running().lockInterruptibly();
        long started = System.nanoTime();
        // each run is a trace of its own: its log lines and the calls it makes share one id
        CallScope scope = CallScope.open(CallScope.Labels.job(entry.task().source()));
        try {
            entry.task().job().run();
            metrics.jobRan("task", entry.task().name(), true, System.nanoTime() - started);
        } catch (Throwable failure) {
            if (!(threads.stopping() && JobFailures.isInterruption(failure))) {
                failures.log("Task", entry.task().source(), failure);
                metrics.jobRan("task", entry.task().name(), false, System.nanoTime() - started);
            }
            throw failure;
        } finally {
            scope.close();
            runs.incrementAndGet();
            entry.running().unlock();
        }
    }

    /**
     * Runs the task named {@code name} now on a thread of its own, outside its schedule (which
     * goes on unchanged), after a run in progress ends.
     *
     * @return completes when the run ended, failing with what the task threw
     * @throws IllegalArgumentException when no task, or more than one, has that name
     */
    CompletableFuture<Void> runNow(String name) {
        Scheduled entry = find(name);
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (threads.stopping()) {
            done.completeExceptionally(new IllegalStateException(
                    "Task " + entry.task().source() + " was not run: the service is stopping"));
            return done;
        }
        threads.start(entry.task(), () -> {
            try {
                run(entry);
                done.complete(null);
            } catch (Throwable failure) {
                done.completeExceptionally(failure);
            }
        });
        return done;
    }

    private Scheduled find(String name) {
        List<Scheduled> named = scheduled.stream()
                .filter(s -> s.task().name().equals(name) || s.task().source().equals(name))
                .toList();
        if (named.size() == 1) {
            return named.get(0);
        }
        String known = scheduled.stream().map(s -> s.task().source()).collect(Collectors.joining(", "));
        throw new IllegalArgumentException(
                named.isEmpty()
                        ? "No task named '" + name + "'; the service's tasks: " + (known.isEmpty() ? "none" : known)
                        : "More than one task is named '" + name + "' (" + known + "): name it by its source, e.g. '"
                                + named.get(0).task().source() + "'");
    }

    /** The threads, for the lifecycle to interrupt, await and count. */
    JobThreads threads() {
        return threads;
    }

    /** Task runs completed so far, failed ones included. */
    long runs() {
        return runs.get();
    }

    /** Waits on the real clock: sleeps, then reads the clock again (it may be an offset or another zone). */
    private record SystemSleeper(Clock clock) implements SteppedClock.Sleeper {
        @Override
        public void sleepUntil(Instant instant) throws InterruptedException {
            Duration wait = Duration.between(clock.instant(), instant);
            while (wait.isPositive()) {
                Thread.sleep(wait);
                wait = Duration.between(clock.instant(), instant);
            }
        }

        @Override
        public void close() {
            // nothing to let go of
        }
    }
}
