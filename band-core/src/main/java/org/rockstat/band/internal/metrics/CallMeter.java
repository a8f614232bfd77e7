package org.rockstat.band.internal.metrics;

/**
 * Where one method's calls are recorded, prepared once per method so the hot path does no
 * lookup by name.
 *
 * <pre>{@code
 * CallMeter meter = metrics.calls("ping", Role.HANDLER);
 * meter.record("http", Outcome.OK, System.nanoTime() - started);
 * }</pre>
 */
@FunctionalInterface
public interface CallMeter {
    /** Records nothing. */
    CallMeter NOOP = (transport, outcome, nanos) -> {};

    /**
     * One call ended.
     *
     * @param transport {@code http}, {@code redis} or {@code memory}
     * @param outcome   how it ended
     * @param nanos     from its arrival (queueing included) to its answer
     */
    void record(String transport, Outcome outcome, long nanos);
}
