package org.rockstat.band.internal.dispatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.rockstat.band.internal.metrics.CallMeter;

/**
 * The capacity of one method: up to {@code maxRunning} calls run at once, up to {@code maxQueued}
 * more wait in order, and a call whose caller has certainly stopped waiting may be moved out of
 * the running count (up to {@code maxAbandoned} such calls), so a slow method fills only its own
 * bulkhead and never the service's.
 */
final class Bulkhead {
    /** What became of a call offered to the bulkhead. */
    enum Admission {
        /** Run it now. */
        RUN,
        /** It waits its turn; {@link #finished} hands it out. */
        QUEUED,
        /** Running and waiting are full. */
        REFUSED
    }

    final String name;
    final int maxRunning;
    final int maxQueued;
    final int maxAbandoned;
    /** Where this method's calls are recorded ({@link CallMeter#NOOP} with metrics off). */
    final CallMeter meter;

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    /** Under {@link #lock}, as every count here: a plain set is cheaper per call than a concurrent one. */
    private final Set<Task> active = new HashSet<>();

    private int running;
    private int abandoned;
    /** Set once the method's first run was seen: that one (cold code, classes loading) is not judged. */
    private volatile boolean warmedUp;
    /** Runs over the non-blocking threshold in a row; racy by design (a hint across event loops, not a count). */
    private int slowStreak;

    Bulkhead(String name, int maxRunning, int maxQueued, int maxAbandoned) {
        this(name, maxRunning, maxQueued, maxAbandoned, CallMeter.NOOP);
    }

    Bulkhead(String name, int maxRunning, int maxQueued, int maxAbandoned, CallMeter meter) {
        this.meter = meter;
        this.name = name;
        this.maxRunning = maxRunning;
        this.maxQueued = maxQueued;
        this.maxAbandoned = maxAbandoned;
    }

    Admission admit(Task task) {
        lock.lock();
        try {
            if (running < maxRunning) {
                running++;
                active.add(task);
                return Admission.RUN;
            }
            if (queue.size() < maxQueued) {
                queue.add(task);
                return Admission.QUEUED;
            }
            return Admission.REFUSED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The task's method returned (or its stage completed): its place is free.
     *
     * @return the next task to start, already counted as running, or {@code null}
     */
    Task finished(Task task) {
        lock.lock();
        try {
            if (!active.remove(task)) {
                return null;
            }
            if (task.abandoned) {
                abandoned--;
            } else {
                running--;
            }
            return nextLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The task's caller stopped waiting: stop counting it as running, if the abandoned budget
     * allows, and let the next one in.
     *
     * @return the next task to start, or {@code null}
     */
    Task abandon(Task task) {
        lock.lock();
        try {
            if (task.abandoned || !active.contains(task) || abandoned >= maxAbandoned) {
                return null;
            }
            task.abandoned = true;
            running--;
            abandoned++;
            return nextLocked();
        } finally {
            lock.unlock();
        }
    }

    private Task nextLocked() {
        if (running >= maxRunning) {
            return null;
        }
        Task next = queue.poll();
        if (next != null) {
            running++;
            active.add(next);
        }
        return next;
    }

    /**
     * Tells a non-blocking method's run: {@code slow} when its code ran past the threshold. True
     * when it broke its promise: this run and the one before were both slow. The first run is not
     * judged (cold code, classes loading), and one slow run alone is not enough: a GC pause, or a
     * busy machine's scheduler taking the CPU away for a moment, makes any run slow once.
     */
    boolean brokePromise(boolean slow) {
        if (!warmedUp) {
            warmedUp = true;
            return false;
        }
        if (!slow) {
            if (slowStreak != 0) {
                slowStreak = 0;
            }
            return false;
        }
        slowStreak++;
        return slowStreak >= 2;
    }

    /** Every waiting task, removed from the queue (shutdown answers them). */
    List<Task> takeQueued() {
        lock.lock();
        try {
            List<Task> out = new ArrayList<>(queue);
            queue.clear();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The tasks started and not finished. */
    List<Task> active() {
        lock.lock();
        try {
            return List.copyOf(active);
        } finally {
            lock.unlock();
        }
    }

    /** Calls running and counted. */
    int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    /** Calls waiting. */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Calls still running whose caller stopped waiting. */
    int abandoned() {
        lock.lock();
        try {
            return abandoned;
        } finally {
            lock.unlock();
        }
    }
}
