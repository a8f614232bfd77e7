package org.rockstat.band.internal.transport;

/** Receives the messages of subscribed channels. */
@FunctionalInterface
public interface MessageListener {
    /** One message as published; called on a virtual thread of its own. */
    void onMessage(String channel, String message);
}
