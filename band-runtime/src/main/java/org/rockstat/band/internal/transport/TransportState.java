package org.rockstat.band.internal.transport;

/**
 * Where a transport is in its life. Only {@link #CONNECTED} carries traffic; the others say why
 * not.
 */
public enum TransportState {
    /** Created, not started. */
    NEW,
    /** Started, the first connection not up yet (retrying with backoff). */
    CONNECTING,
    /** Publishing and subscribed channels receiving. */
    CONNECTED,
    /** Was connected, lost it; reconnecting. */
    RECONNECTING,
    /** Closed for good. */
    CLOSED
}
