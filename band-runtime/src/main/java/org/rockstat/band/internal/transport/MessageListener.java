package org.rockstat.band.internal.transport;

/** Receives the messages of subscribed channels. */
@FunctionalInterface
public interface MessageListener {
    /**
     * One message as published (its UTF-8 bytes, to be read, never changed); called on a virtual
     * thread of its own.
     */
    void onMessage(String channel, byte[] message);

    /**
     * Called first, on the receiving thread, in the order the broker delivered the messages of
     * every subscribed channel; returns the work that then runs on the message's virtual thread.
     * Must be quick and never block: it is how a listener sees the messages of several channels
     * in one order (replica membership, {@code internal.replica}).
     */
    default Runnable arrive(String channel, byte[] message) {
        return () -> onMessage(channel, message);
    }

    /**
     * Like {@link #arrive}, called by a transport whose receiving thread may also finish a
     * message that needs no thread of its own (Redis's event loop; not the in-process bus, which
     * delivers under its lock): returns null when the listener did, the work for the message's
     * virtual thread otherwise. What runs here must never block: the thread reads every message
     * of the session.
     */
    default Runnable arriveOrHandle(String channel, byte[] message) {
        return arrive(channel, message);
    }
}
