package org.rockstat.band.internal.transport;

/** Told when a transport's connection comes up or goes down. */
@FunctionalInterface
public interface ConnectionListener {
    /**
     * The connection state changed.
     *
     * @param connected the new state
     */
    void connectionChanged(boolean connected);
}
