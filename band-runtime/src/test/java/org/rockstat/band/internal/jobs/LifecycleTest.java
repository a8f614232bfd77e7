package org.rockstat.band.internal.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.rockstat.band.internal.jobs.Jobs.cleanup;
import static org.rockstat.band.internal.jobs.Jobs.task;
import static org.rockstat.band.internal.jobs.Jobs.worker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.job.Schedule;

class LifecycleTest {
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private final Lifecycle lifecycle = new Lifecycle();
    private LogCapture logs;

    @BeforeEach
    void captureLogs() {
        logs = LogCapture.of("org.rockstat.band.internal.jobs");
    }

    @AfterEach
    void stop() {
        lifecycle.stop(Duration.ofSeconds(2));
        logs.close();
    }

    @Test
    void workerRunsOnceOnItsOwnVirtualThreadAndIsInterruptedAtStop() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Thread> thread = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        lifecycle.start(
                List.of(worker("loader", () -> {
                    runs.incrementAndGet();
                    thread.set(Thread.currentThread());
                    started.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                })),
                List.of());

        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(thread.get().getName()).isEqualTo("band-worker-loader");
        assertThat(thread.get().isVirtual()).isTrue();
        assertThat(lifecycle.runningWorkers()).isEqualTo(1);

        lifecycle.stop(Duration.ofSeconds(2));

        assertThat(interrupted.getCount()).isZero();
        assertThat(lifecycle.runningWorkers()).isZero();
        assertThat(runs).hasValue(1);
        assertThat(logs.at(Level.ERROR)).isEmpty();
        assertThat(logs.at(Level.WARN)).isEmpty();
    }

    @Test
    void failingWorkerIsLoggedOnceWithItsStackTraceAndOthersKeepRunning() throws Exception {
        CountDownLatch goodStarted = new CountDownLatch(1);
        CountDownLatch goodInterrupted = new CountDownLatch(1);
        lifecycle.start(
                List.of(
                        worker("bad", () -> {
                            throw new IllegalStateException("boom");
                        }),
                        worker("good", () -> {
                            goodStarted.countDown();
                            try {
                                new CountDownLatch(1).await();
                            } catch (InterruptedException e) {
                                goodInterrupted.countDown();
                            }
                        })),
                List.of());

        await().atMost(DEADLINE).until(() -> lifecycle.runningWorkers() == 1 && goodStarted.getCount() == 0);
        await().atMost(DEADLINE).until(() -> !logs.at(Level.ERROR).isEmpty());
        ILoggingEvent error = logs.at(Level.ERROR).getFirst();
        assertThat(error.getFormattedMessage()).isEqualTo("Worker 'bad' failed: java.lang.IllegalStateException: boom");
        assertThat(error.getThrowableProxy().getMessage())
                .as("the stack trace at ERROR")
                .isEqualTo("boom");
        assertThat(error.getMDCPropertyMap()).containsEntry("job", "'bad'").containsKey("trace.id");
        assertThat(logs.at(Level.DEBUG))
                .as("the stack trace once")
                .filteredOn(e -> e.getThrowableProxy() != null)
                .isEmpty();

        lifecycle.stop(Duration.ofSeconds(2));
        assertThat(goodInterrupted.getCount()).isZero();
        assertThat(logs.at(Level.ERROR)).hasSize(1);
    }

    @Test
    void taskRunsRepeatedlyOnItsOwnVirtualThread() {
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Thread> thread = new AtomicReference<>();
        lifecycle.start(List.of(), List.of(task("tick", Schedule.every("50ms"), () -> {
            thread.set(Thread.currentThread());
            runs.incrementAndGet();
        })));

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(runs.get()).isGreaterThanOrEqualTo(3));
        assertThat(thread.get().getName()).isEqualTo("band-task-tick");
        assertThat(thread.get().isVirtual()).isTrue();
        assertThat(lifecycle.runningTasks()).isEqualTo(1);
    }

    @Test
    void failingRunsAreLoggedTheStackTraceOnceAndTheScheduleGoesOn() {
        AtomicInteger runs = new AtomicInteger();
        lifecycle.start(List.of(), List.of(task("flaky", Schedule.every("50ms"), () -> {
            runs.incrementAndGet();
            throw new IOException("redis away");
        })));

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(runs.get()).isGreaterThanOrEqualTo(3));
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(logs.at(Level.ERROR)).hasSizeGreaterThanOrEqualTo(3));
        List<ILoggingEvent> errors = logs.at(Level.ERROR);
        assertThat(errors.getFirst().getFormattedMessage())
                .isEqualTo("Task 'flaky' failed: java.io.IOException: redis away");
        assertThat(errors.getFirst().getThrowableProxy().getMessage()).isEqualTo("redis away");
        assertThat(errors.subList(1, errors.size())).allSatisfy(e -> {
            assertThat(e.getFormattedMessage())
                    .isEqualTo("Task 'flaky' failed: java.io.IOException: redis away (as its last run did; the stack"
                            + " trace is logged with the first)");
            assertThat(e.getThrowableProxy()).isNull();
        });
        assertThat(errors)
                .as("each run is a trace of its own")
                .extracting(e -> e.getMDCPropertyMap().get("trace.id"))
                .doesNotContainNull()
                .doesNotHaveDuplicates();
    }

    @Test
    void runsOfOneTaskNeverOverlap() {
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        lifecycle.start(List.of(), List.of(task("slow", Schedule.every("1ms"), () -> {
            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20); // the work outlasts the period many times over
            } finally {
                active.decrementAndGet();
                runs.incrementAndGet();
            }
        })));

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(runs.get()).isGreaterThanOrEqualTo(5));
        assertThat(maxActive).hasValue(1);
        assertThat(lifecycle.taskRuns()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void cleanupsRunAfterWorkersAndTasksStoppedInRegistrationOrder() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch workerStarted = new CountDownLatch(1);
        CountDownLatch taskStarted = new CountDownLatch(1);
        lifecycle.start(
                List.of(worker("consumer", () -> {
                    workerStarted.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        Thread.sleep(100); // a slow wind-down, which stop must wait for
                        events.add("worker interrupted");
                        throw e;
                    }
                })),
                List.of(task("flush", Schedule.every("1h"), () -> {
                    taskStarted.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        Thread.sleep(100);
                        events.add("task interrupted");
                        throw e;
                    }
                })),
                List.of(
                        cleanup("first", () -> events.add("cleanup first")),
                        cleanup("second", () -> events.add("cleanup second"))));
        assertThat(workerStarted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(taskStarted.await(5, TimeUnit.SECONDS)).isTrue();

        lifecycle.stop(Duration.ofSeconds(2));

        assertThat(events).hasSize(4);
        assertThat(events.subList(0, 2)).containsExactlyInAnyOrder("worker interrupted", "task interrupted");
        assertThat(events.subList(2, 4)).containsExactly("cleanup first", "cleanup second");
        assertThat(logs.at(Level.ERROR))
                .as("interruption at shutdown is normal")
                .isEmpty();
        assertThat(lifecycle.runningWorkers() + lifecycle.runningTasks()).isZero();
    }

    @Test
    void failingCleanupIsLoggedAndTheNextStillRuns() {
        List<String> events = new CopyOnWriteArrayList<>();
        lifecycle.start(
                List.of(),
                List.of(),
                List.of(
                        cleanup("db", () -> {
                            events.add("db");
                            throw new IOException("disk gone");
                        }),
                        cleanup("redis", () -> events.add("redis"))));

        lifecycle.stop(Duration.ofSeconds(1));

        assertThat(events).containsExactly("db", "redis");
        assertThat(logs.at(Level.ERROR))
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage())
                        .isEqualTo("Cleanup 'db' failed: java.io.IOException: disk gone"));
    }

    @Test
    void stopIsIdempotent() {
        AtomicInteger cleanups = new AtomicInteger();
        lifecycle.start(List.of(), List.of(), List.of(cleanup("count", cleanups::incrementAndGet)));

        lifecycle.stop(Duration.ofSeconds(1));
        lifecycle.stop(Duration.ofSeconds(1));

        assertThat(cleanups).hasValue(1);
        assertThatThrownBy(() -> lifecycle.start(List.of(), List.of())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void workerIgnoringInterruptsIsNamedInAWarningAndCleanupsStillRun() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger cleanups = new AtomicInteger();
        lifecycle.start(
                List.of(worker("stubborn", () -> {
                    started.countDown();
                    while (true) {
                        try {
                            if (release.await(10, TimeUnit.SECONDS)) {
                                return;
                            }
                        } catch (InterruptedException ignored) {
                            // deliberately deaf to shutdown
                        }
                    }
                })),
                List.of(),
                List.of(cleanup("count", cleanups::incrementAndGet)));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        try {
            lifecycle.stop(Duration.ofMillis(100));

            assertThat(logs.at(Level.WARN))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("'stubborn'"));
            assertThat(cleanups).hasValue(1);
            assertThat(lifecycle.runningWorkers()).isEqualTo(1);
        } finally {
            release.countDown();
        }
        await().atMost(DEADLINE).until(() -> lifecycle.runningWorkers() == 0);
    }

    @Test
    void aTaskRunNowWaitsForTheRunInProgressAndReportsItsFailure() throws Exception {
        CountDownLatch inRun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        lifecycle.start(
                List.of(),
                List.of(
                        task("slow", Schedule.every("1h"), () -> {
                            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                            try {
                                if (runs.incrementAndGet() == 1) {
                                    inRun.countDown();
                                    release.await();
                                }
                            } finally {
                                active.decrementAndGet();
                            }
                        }),
                        task("failing", Schedule.every("1h"), () -> {
                            throw new IOException("feed down");
                        })));
        assertThat(inRun.await(5, TimeUnit.SECONDS)).isTrue();

        var now = lifecycle.runTask("slow");
        assertThat(now).isNotDone(); // the scheduled run holds the task
        release.countDown();
        now.get(5, TimeUnit.SECONDS);
        assertThat(runs).hasValue(2);
        assertThat(maxActive).hasValue(1);

        assertThatThrownBy(() -> lifecycle.runTask("failing").get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IOException.class)
                .hasRootCauseMessage("feed down");
        assertThat(logs.at(Level.ERROR))
                .extracting(ILoggingEvent::getFormattedMessage)
                .contains("Task 'failing' failed: java.io.IOException: feed down");
        assertThatThrownBy(() -> lifecycle.runTask("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No task named 'nope'; the service's tasks: 'slow', 'failing'");
    }

    @Test
    void aTaskIsNotRunNowOnceStopping() {
        lifecycle.start(List.of(), List.of(task("t", Schedule.every("1h"), () -> {})));
        lifecycle.stop(Duration.ofSeconds(2));
        assertThatThrownBy(() -> lifecycle.runTask("t").join())
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the service is stopping");
    }

    @Test
    void workersTellWhenTheyStartedAndHowTheyEnded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        lifecycle.start(
                List.of(worker("waiting", release::await), worker("done", () -> {}), worker("broken", () -> {
                    throw new IOException("disk full");
                })),
                List.of());

        lifecycle.workerStarted("waiting").get(5, TimeUnit.SECONDS);
        assertThat(lifecycle.workerFinished("waiting")).isNotDone();
        lifecycle.workerFinished("done").get(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> lifecycle.workerFinished("broken").get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> lifecycle.workerStarted("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No worker named 'nope'; the service's workers: 'waiting', 'done', 'broken'");

        release.countDown();
        lifecycle.workerFinished("waiting").get(5, TimeUnit.SECONDS);
    }

    @Test
    void aWorkerStoppedAtShutdownEndsWithoutFailure() throws Exception {
        lifecycle.start(List.of(worker("forever", () -> new CountDownLatch(1).await())), List.of());
        lifecycle.workerStarted("forever").get(5, TimeUnit.SECONDS);
        lifecycle.stop(Duration.ofSeconds(2));
        assertThat(lifecycle.workerFinished("forever").get(5, TimeUnit.SECONDS)).isNull();
    }
}
