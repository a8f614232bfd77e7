package org.rockstat.band.internal.rpc;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids unique per process instance: a random base-36 prefix and a counter, e.g.
 * {@code k3f9a-17}. Two replicas of one service share a response channel, so a plain counter
 * would let one take the other's responses.
 */
final class IdGenerator {
    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    IdGenerator() {
        SecureRandom random = new SecureRandom();
        long min = 36L * 36 * 36 * 36 * 36;
        long value = min + (random.nextLong() & Long.MAX_VALUE) % (35 * min);
        this.prefix = Long.toString(value, 36) + "-";
    }

    String next() {
        return prefix + Long.toString(counter.incrementAndGet(), 36);
    }
}
