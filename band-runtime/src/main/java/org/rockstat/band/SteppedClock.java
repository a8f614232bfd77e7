package org.rockstat.band;

import java.time.Instant;

/**
 * A clock whose time moves only when something moves it: a test's manual clock. When the
 * {@link java.time.Clock} given to {@link Band#clock(java.time.Clock)} also implements this
 * interface, Band's task scheduler waits on it instead of sleeping, so moving the clock on runs the
 * tasks that became due, and the clock can tell when they have finished. The testkit's
 * {@code ManualClock} is the implementation service authors use:
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.at("2025-01-01T08:59:00Z");
 * try (RunningService service = Band.create(settings).service(new Reports()).clock(clock).start()) {
 *     clock.advance(Duration.ofMinutes(1));       // @Task(cron = "0 9 * * *") has run when this returns
 * }
 * }</pre>
 *
 * <p>Why a public interface rather than a hidden hook: the testkit may use public API only
 * (PublicApiBoundaryTest), a {@code ServiceLoader} provider would let any jar on the class path
 * take over a service's time without a line at the call site saying so, and the interface is two
 * methods a test clock implements. A plain {@code Clock} (a zone for cron, an offset) needs none
 * of it: the scheduler sleeps and reads the clock again.
 */
public interface SteppedClock {

    /**
     * A task's place on this clock. Band takes one per task while starting (on the thread that
     * calls {@link Band#start()}, so every task is known before {@code start()} returns) and closes
     * it when the task's thread ends. Between the two the task is either running or waiting in
     * {@link Sleeper#sleepUntil(Instant)}; a clock that waits for due tasks to finish waits for
     * them to be back in {@code sleepUntil} or closed.
     *
     * @param task the task's name, for messages
     */
    Sleeper sleeper(String task);

    /**
     * One task's waits on a {@link SteppedClock}, as Band's scheduler uses it:
     *
     * <pre>{@code
     * try (SteppedClock.Sleeper sleeper = clock.sleeper("refresh")) {
     *     while (running) {
     *         sleeper.sleepUntil(nextRun);     // returns when the test has moved the clock that far
     *         task.run();
     *     }
     * }
     * }</pre>
     */
    interface Sleeper extends AutoCloseable {
        /**
         * Blocks until the clock reads {@code instant} or later (at once if it already does); the
         * task runs when this returns.
         *
         * @throws InterruptedException when the task's thread is interrupted (shutdown)
         */
        void sleepUntil(Instant instant) throws InterruptedException;

        /** The task's thread ended: the clock no longer waits for it. */
        @Override
        void close();
    }
}
