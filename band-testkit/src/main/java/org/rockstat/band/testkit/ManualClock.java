package org.rockstat.band.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.rockstat.band.SteppedClock;

/**
 * A clock that stands still until the test moves it, for a service's tasks: give it to
 * {@link BandServiceExtension#clock(Clock)} (or {@code Band.clock}) and {@link #advance(Duration)}
 * runs every {@code @Task} that became due, in time order, and returns once they have finished and
 * planned their next runs. No sleeps, no waiting for a real minute to pass.
 *
 * <pre>{@code
 * static final ManualClock clock = ManualClock.at("2025-01-01T08:59:00Z");
 *
 * @RegisterExtension
 * static final BandServiceExtension band = BandServiceExtension.of(Reports::new)
 *         .stub("mailer", mailer -> mailer.on("send").returns("queued"))
 *         .clock(clock);
 *
 * @Test
 * void sendsTheMorningReport() {
 *     clock.advance(Duration.ofMinutes(1));              // @Task(cron = "0 9 * * *") ran at 09:00
 *     assertThat(band.stub("mailer").calls("send")).hasSize(1);
 * }
 * }</pre>
 *
 * <p>Stepping: {@code advance(Duration.ofMinutes(3))} on a task {@code every = "1m"} sets the
 * clock to each due minute in turn and lets the task run there, so the task runs three times and
 * sees the time of each run, as it would have in real time. {@code advance(Duration.ZERO)} only
 * waits for the runs due now, such as the first run of an {@code every} task right after
 * start-up. A task still running after the settle time (10 s, or the extension's timeout) fails
 * the {@code advance} with an {@link AssertionError} naming it.
 *
 * <p>What follows the clock: task planning (cron in this clock's zone, UTC unless given), the
 * {@code Clock} or {@code InstantSource} that service methods declare as a parameter, and
 * {@code __status}' uptime. What keeps real time: call timeouts, heartbeats and HTTP deadlines
 * (they guard a test against a peer that never answers) and workers that sleep. Thread-safe;
 * {@link #withZone(ZoneId)} gives a view of the same time in another zone.
 */
public final class ManualClock extends Clock implements SteppedClock {
    private static final Duration DEFAULT_SETTLE = Duration.ofSeconds(10);

    private final Timeline timeline;
    private final ZoneId zone;

    private ManualClock(Timeline timeline, ZoneId zone) {
        this.timeline = timeline;
        this.zone = zone;
    }

    /** A clock at {@code instant} (ISO-8601, e.g. {@code "2025-01-01T09:00:00Z"}) in UTC. */
    public static ManualClock at(String instant) {
        return at(Instant.parse(instant), ZoneOffset.UTC);
    }

    /** A clock at {@code instant} in {@code zone} (the zone cron expressions are read in). */
    public static ManualClock at(Instant instant, ZoneId zone) {
        return new ManualClock(
                new Timeline(Objects.requireNonNull(instant, "instant")), Objects.requireNonNull(zone, "zone"));
    }

    @Override
    public Instant instant() {
        return timeline.now;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** The same time, read in {@code zone}: moving either moves both. */
    @Override
    public ManualClock withZone(ZoneId zone) {
        return zone.equals(this.zone) ? this : new ManualClock(timeline, zone);
    }

    /**
     * Moves the clock on by {@code amount}, stopping at each time a task is due to let it run,
     * and returns once every task due by the new time has finished its run.
     *
     * @return the new time
     * @throws IllegalArgumentException when {@code amount} is negative (time does not go back)
     * @throws AssertionError when a task is still running after the settle time
     */
    public Instant advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException(
                    "The clock does not go back: advance by a positive duration, got " + amount);
        }
        return advanceTo(instant().plus(amount));
    }

    /**
     * Moves the clock on to {@code target}; see {@link #advance(Duration)}.
     *
     * @return the new time
     * @throws IllegalArgumentException when {@code target} is before the clock's time
     * @throws AssertionError when a task is still running after the settle time
     */
    public Instant advanceTo(Instant target) {
        return timeline.advanceTo(target);
    }

    /** How long {@link #advance(Duration)} waits for a task's run (default 10 s); the extension sets its timeout. */
    ManualClock settleWithin(Duration limit) {
        timeline.settle = limit;
        return this;
    }

    @Override
    public Sleeper sleeper(String task) {
        return timeline.join(task);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ManualClock that && timeline == that.timeline && zone.equals(that.zone);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(timeline) * 31 + zone.hashCode();
    }

    @Override
    public String toString() {
        return "ManualClock[" + instant() + ", " + zone + "]";
    }

    /** The time every zone's view shares, and the tasks that plan by it. */
    private static final class Timeline {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final List<Place> places = new ArrayList<>();
        private volatile Instant now;
        private volatile Duration settle = DEFAULT_SETTLE;

        Timeline(Instant start) {
            this.now = start;
        }

        Place join(String task) {
            lock.lock();
            try {
                Place place = new Place(this, task);
                places.add(place);
                return place;
            } finally {
                lock.unlock();
            }
        }

        Instant advanceTo(Instant target) {
            lock.lock();
            try {
                if (target.isBefore(now)) {
                    throw new IllegalArgumentException(
                            "The clock does not go back: it reads " + now + ", asked for " + target);
                }
                while (true) {
                    awaitSettled();
                    Instant next = places.stream()
                            .map(p -> p.waitingFor)
                            .filter(Objects::nonNull)
                            .min(Instant::compareTo)
                            .orElse(null);
                    if (next == null || next.isAfter(target)) {
                        now = target;
                        changed.signalAll();
                        return now;
                    }
                    now = next;
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Waits until every task is waiting for a time after now: nothing due is left to run. */
        private void awaitSettled() {
            long left = settle.toNanos();
            while (true) {
                List<String> busy = places.stream()
                        .filter(p -> p.waitingFor == null || !p.waitingFor.isAfter(now))
                        .map(p -> p.task)
                        .toList();
                if (busy.isEmpty()) {
                    return;
                }
                if (left <= 0) {
                    throw new AssertionError("Task(s) " + busy + " still running at " + now + " after "
                            + settle.toMillis() + " ms: a task waiting for the test (or for a peer that does not"
                            + " answer) cannot finish while the test waits for it");
                }
                try {
                    left = changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for " + busy + " to finish", e);
                }
            }
        }
    }

    /** One task on the timeline: running ({@code waitingFor == null}) or waiting for a time. */
    private static final class Place implements Sleeper {
        private final Timeline timeline;
        private final String task;
        private Instant waitingFor;

        Place(Timeline timeline, String task) {
            this.timeline = timeline;
            this.task = task;
        }

        @Override
        public void sleepUntil(Instant instant) throws InterruptedException {
            timeline.lock.lock();
            try {
                waitingFor = instant;
                timeline.changed.signalAll();
                while (timeline.now.isBefore(instant)) {
                    try {
                        timeline.changed.await();
                    } catch (InterruptedException e) {
                        waitingFor = null;
                        timeline.changed.signalAll();
                        throw e;
                    }
                }
                waitingFor = null;
            } finally {
                timeline.lock.unlock();
            }
        }

        @Override
        public void close() {
            timeline.lock.lock();
            try {
                timeline.places.remove(this);
                timeline.changed.signalAll();
            } finally {
                timeline.lock.unlock();
            }
        }
    }
}
