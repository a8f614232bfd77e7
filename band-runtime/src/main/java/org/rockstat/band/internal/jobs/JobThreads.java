package org.rockstat.band.internal.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.rockstat.band.internal.registry.JobDef;

/** The virtual threads of one kind of job, so they can be counted, interrupted and awaited together. */
final class JobThreads {
    private final String namePrefix;
    private final Map<Thread, JobDef> threads = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean stopping;

    JobThreads(String namePrefix) {
        this.namePrefix = namePrefix;
    }

    /** Starts {@code body} on a new virtual thread named after the job. */
    void start(JobDef job, Runnable body) {
        running.incrementAndGet();
        Thread thread = Thread.ofVirtual().name(namePrefix + job.name()).unstarted(() -> {
            try {
                body.run();
            } finally {
                running.decrementAndGet();
                // a task run asked for now is one short thread of many: nothing is left to interrupt or await
                threads.remove(Thread.currentThread());
            }
        });
        threads.put(thread, job);
        thread.start();
    }

    /** Marks shutdown and interrupts every thread, sleeping or running. */
    void interruptAll() {
        stopping = true;
        threads.keySet().forEach(Thread::interrupt);
    }

    /**
     * Waits until every thread ended or {@code deadlineNanos} (a {@link System#nanoTime()} value)
     * passed.
     *
     * @return the jobs whose threads are still alive
     */
    List<JobDef> awaitAll(long deadlineNanos) throws InterruptedException {
        List<JobDef> alive = new ArrayList<>();
        for (Map.Entry<Thread, JobDef> entry : threads.entrySet()) {
            long left = Math.max(0, deadlineNanos - System.nanoTime());
            if (!entry.getKey().join(Duration.ofNanos(left))) {
                alive.add(entry.getValue());
            }
        }
        return alive;
    }

    /**
     * Waits on a job's thread until {@code when} completes (the service is ready: a job's first
     * run may call other services, which it cannot before the transport is connected).
     *
     * @return false when shutdown came first; true otherwise, also when {@code when} failed (the
     *     job runs then, as it would have without the wait)
     */
    boolean awaitStart(CompletableFuture<?> when) {
        while (true) {
            try {
                when.get();
                return !stopping;
            } catch (InterruptedException e) {
                if (stopping) {
                    return false;
                }
            } catch (ExecutionException e) {
                return !stopping;
            }
        }
    }

    /** True once shutdown began: an interruption then is the expected end, not a failure. */
    boolean stopping() {
        return stopping;
    }

    /** Threads started and not yet ended. */
    int running() {
        return running.get();
    }
}
