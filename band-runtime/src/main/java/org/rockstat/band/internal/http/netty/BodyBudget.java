package org.rockstat.band.internal.http.netty;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The request bytes all connections together may hold in memory at once, so HTTP cannot take
 * the direct memory the Redis connections need: 400 clients each announcing a 1 MiB body get
 * their share, the rest are turned away at once instead of buffered.
 */
final class BodyBudget {
    private final long max;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long max) {
        this.max = max;
    }

    /** Takes {@code bytes} if they fit; false (and nothing taken) otherwise. */
    boolean tryReserve(long bytes) {
        while (true) {
            long now = held.get();
            if (now + bytes > max) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        held.addAndGet(-bytes);
    }

    long held() {
        return held.get();
    }

    long max() {
        return max;
    }
}
