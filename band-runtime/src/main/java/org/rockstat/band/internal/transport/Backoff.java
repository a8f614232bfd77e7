package org.rockstat.band.internal.transport;

import java.time.Duration;

/** Capped exponential backoff: {@code first}, doubled each failure, never above {@code max}. */
final class Backoff {
    private final long firstMillis;
    private final long maxMillis;
    private long nextMillis;

    Backoff(Duration first, Duration max) {
        this.firstMillis = first.toMillis();
        this.maxMillis = max.toMillis();
        this.nextMillis = firstMillis;
    }

    /** The delay before the next attempt; each call doubles the following one up to the cap. */
    long nextDelayMillis() {
        long delay = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        return delay;
    }

    /** Back to the first delay after a success. */
    void reset() {
        nextMillis = firstMillis;
    }
}
