package org.rockstat.band.internal.transport;

import java.time.Duration;

/**
 * Told what a transport goes through, so the runtime (pending calls, readiness) and tests can
 * react to events instead of polling or sleeping. Called on a transport thread: keep it short.
 */
public interface TransportListener {
    /** The state changed from {@code from} to {@code to}. */
    default void stateChanged(TransportState from, TransportState to) {}

    /**
     * A connection attempt failed (or is about to be retried): the {@code attempt}-th since the
     * last success, retried after {@code delay}, for {@code reason}.
     */
    default void attemptFailed(int attempt, Duration delay, String reason) {}
}
