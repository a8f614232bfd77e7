package org.rockstat.band.internal.jobs;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.rockstat.band.internal.metrics.BandMetrics;
import org.rockstat.band.internal.registry.JobDef;
import org.rockstat.band.internal.trace.CallScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each worker once on its own virtual thread and interrupts them at shutdown. Each worker's
 * start and end are futures, so tests can wait for a worker to be running rather than sleep.
 */
final class WorkerRunner {
    private static final Logger log = LoggerFactory.getLogger(WorkerRunner.class);

    private final JobThreads threads = new JobThreads("band-worker-");
    private final JobFailures failures = new JobFailures(log);
    private final List<Started> started = new CopyOnWriteArrayList<>();
    private final BandMetrics metrics;

    WorkerRunner(BandMetrics metrics) {
        this.metrics = metrics;
    }

    /** A started worker: its body began ({@code began}) and ended ({@code ended}, failing with what it threw). */
    record Started(JobDef worker, CompletableFuture<Void> began, CompletableFuture<Void> ended) {}

    /** Starts each worker's thread now; its body runs once {@code when} completes (unless shutdown comes first). */
    void start(List<JobDef> workers, CompletableFuture<?> when) {
        for (JobDef worker : workers) {
            Started entry = new Started(worker, new CompletableFuture<>(), new CompletableFuture<>());
            started.add(entry);
            threads.start(worker, () -> {
                if (threads.awaitStart(when)) {
                    run(entry);
                } else {
                    log.debug("Worker {} stopped before it began", worker.source());
                    entry.ended().complete(null);
                }
            });
        }
    }

    private void run(Started entry) {
        JobDef worker = entry.worker();
        entry.began().complete(null);
        long begun = System.nanoTime();
        // the worker's run is one trace: its log lines and the calls it makes share one id
        CallScope scope = CallScope.open(CallScope.Labels.job(worker.source()));
        try {
            worker.job().run();
            log.debug("Worker {} finished", worker.source());
            metrics.jobRan("worker", worker.name(), true, System.nanoTime() - begun);
            entry.ended().complete(null);
        } catch (Throwable failure) {
            if (threads.stopping() && JobFailures.isInterruption(failure)) {
                log.debug("Worker {} stopped", worker.source());
                entry.ended().complete(null);
            } else {
                failures.log("Worker", worker.source(), failure);
                metrics.jobRan("worker", worker.name(), false, System.nanoTime() - begun);
                entry.ended().completeExceptionally(failure);
            }
        } finally {
            scope.close();
        }
    }

    /**
     * The worker named {@code name} (its Java method's name or the name it was registered with,
     * or its source such as {@code Service.load}).
     *
     * @throws IllegalArgumentException when no worker, or more than one, has that name
     */
    Started find(String name) {
        List<Started> named = started.stream()
                .filter(s ->
                        s.worker().name().equals(name) || s.worker().source().equals(name))
                .toList();
        if (named.size() == 1) {
            return named.get(0);
        }
        String known = started.stream().map(s -> s.worker().source()).collect(Collectors.joining(", "));
        throw new IllegalArgumentException(
                named.isEmpty()
                        ? "No worker named '" + name + "'; the service's workers: " + (known.isEmpty() ? "none" : known)
                        : "More than one worker is named '" + name + "' (" + known + "): name it by its source, e.g. '"
                                + named.get(0).worker().source() + "'");
    }

    /** The threads, for the lifecycle to interrupt, await and count. */
    JobThreads threads() {
        return threads;
    }
}
