package org.rockstat.band.internal.report;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import org.rockstat.band.internal.metrics.BandMetrics;
import org.slf4j.Logger;

/**
 * Everything the runtime drops, counted by reason and logged at WARN, one line per reason per
 * interval with the count: nothing is dropped without a trace. Every drop is also told to the
 * metrics ({@code band.dropped} by reason), here and nowhere else.
 *
 * <pre>{@code
 * drops.drop("queue-full", "Refused {} from {}: the {} queue is full ({} waiting)", method, WireText.of(from), name, size);
 * drops.count("queue-full");   // 1
 * }</pre>
 */
public final class Drops {
    private final RateLimitedLog log;
    private final ConcurrentMap<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final BandMetrics metrics;

    /** Drops logged to {@code log}, one line per reason per {@code interval}. */
    public Drops(Logger log, Duration interval) {
        this(log, interval, BandMetrics.NOOP);
    }

    /** Drops logged to {@code log} and counted in {@code metrics}. */
    public Drops(Logger log, Duration interval, BandMetrics metrics) {
        this.log = new RateLimitedLog(log, interval);
        this.metrics = metrics;
    }

    /** Counts one drop of {@code reason} and logs it (rate-limited). */
    public void drop(String reason, String format, Object... args) {
        counts.computeIfAbsent(reason, r -> new LongAdder()).increment();
        metrics.dropped(reason);
        log.warn(reason, format, args);
    }

    /** Drops of {@code reason} so far. */
    public long count(String reason) {
        LongAdder adder = counts.get(reason);
        return adder == null ? 0 : adder.sum();
    }

    /** Every reason and its count, sorted by reason. */
    public Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((reason, adder) -> out.put(reason, adder.sum()));
        return out;
    }
}
