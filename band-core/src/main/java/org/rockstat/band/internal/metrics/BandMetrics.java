package org.rockstat.band.internal.metrics;

import org.rockstat.band.method.Role;

/**
 * What the runtime tells its metrics, with no metrics library in sight: the dispatcher, the
 * drops, the RPC client, the heartbeat and the jobs call these hooks, and band-runtime's
 * {@code internal.micrometer} turns them into meters. {@link #NOOP} is the default: with metrics
 * off every hook is an empty call, and the callers skip even taking the time when
 * {@link #enabled()} is false.
 *
 * <pre>{@code
 * BandMetrics metrics = BandMetrics.NOOP;
 * if (metrics.enabled()) {
 *     metrics.outgoing("geo", "lookup", Outcome.TIMEOUT, elapsed);
 * }
 * }</pre>
 */
public interface BandMetrics {
    /** Metrics off: every hook does nothing. */
    BandMetrics NOOP = new BandMetrics() {};

    /** False when nothing is recorded, so callers need not measure. */
    default boolean enabled() {
        return false;
    }

    /**
     * The meter of one method's calls ({@code role} is {@code null} for calls to no known method).
     * Asked once per method, at start-up.
     */
    default CallMeter calls(String method, Role role) {
        return CallMeter.NOOP;
    }

    /** Something was dropped or refused, for {@code reason} ({@code queue-full}, {@code shed}...). */
    default void dropped(String reason) {}

    /** One of our own calls to {@code service}'s {@code method} ended after {@code nanos}. */
    default void outgoing(String service, String method, Outcome outcome, long nanos) {}

    /** A heartbeat was sent, {@code sinceLastNanos} after the one before (0 for the first). */
    default void heartbeatSent(long sinceLastNanos) {}

    /**
     * A worker or task run ended.
     *
     * @param kind  {@code worker} or {@code task}
     * @param name  the job's name
     * @param ok    false when it threw
     * @param nanos how long it ran
     */
    default void jobRan(String kind, String name, boolean ok, long nanos) {}
}
