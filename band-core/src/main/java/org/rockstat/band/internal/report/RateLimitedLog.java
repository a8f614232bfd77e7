package org.rockstat.band.internal.report;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * One log line per kind of problem per interval: the first occurrence is logged at once, the
 * ones that follow within the interval are counted, and the next line that gets through says how
 * many were suppressed. 10 000 garbage messages write a handful of lines, each with a count.
 *
 * <pre>{@code
 * RateLimitedLog drops = new RateLimitedLog(log, Duration.ofSeconds(10));
 * drops.warn("not-json", "Dropped a message on channel '{}': not valid JSON: {}", channel, WireText.of(text));
 * // ... Dropped a message on channel 'debug': not valid JSON: oops (and 9999 more like it since the last such line)
 * }</pre>
 */
public final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong suppressed = new AtomicLong();
    }

    /** Lines of {@code log}, at most one per kind per {@code interval}. */
    public RateLimitedLog(Logger log, Duration interval) {
        this(log, interval, System::nanoTime);
    }

    RateLimitedLog(Logger log, Duration interval, LongSupplier clock) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
    }

    /** A WARN line of this kind, or a count of it. */
    public void warn(String kind, String format, Object... args) {
        log(Level.WARN, kind, format, args);
    }

    /** An INFO line of this kind, or a count of it. */
    public void info(String kind, String format, Object... args) {
        log(Level.INFO, kind, format, args);
    }

    /**
     * Logs the line when its kind's interval allows it; returns whether it did.
     *
     * @param format an SLF4J format; the suppressed count is appended when there is one
     */
    public boolean log(Level level, String kind, String format, Object... args) {
        if (!log.isEnabledForLevel(level)) {
            return false;
        }
        Window window = windows.computeIfAbsent(kind, k -> new Window());
        long now = clock.getAsLong();
        long allowed = window.nextAllowed.get();
        if ((allowed != Long.MIN_VALUE && now - allowed < 0)
                || !window.nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
            window.suppressed.incrementAndGet();
            return false;
        }
        long before = window.suppressed.getAndSet(0);
        String line = before == 0 ? format : format + " (and " + before + " more like it since the last such line)";
        log.atLevel(level).log(line, args);
        return true;
    }
}
