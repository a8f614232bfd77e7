package org.rockstat.band.internal.transport;

import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Moves whole messages between named channels: Redis pub/sub, or the in-process bus. The
 * protocol engine ({@link org.rockstat.band.internal.rpc.RpcEndpoint}) sits on top and knows
 * nothing of which one it uses.
 *
 * <p>Contract: a message is the UTF-8 bytes of its text, carried as they are published (never
 * decoded to a {@code String} on the way: {@link MessageCodec}); its array is never changed
 * once published, by anyone. Messages are delivered to the channel's listener on virtual threads
 * (never on an I/O event loop); a publish while disconnected fails fast; subscriptions survive
 * reconnects.
 */
public interface Transport extends AutoCloseable {

    /** {@code redis} or {@code memory}: the {@code transport} of a {@link org.rockstat.band.call.CallContext}. */
    String kind();

    /** What the start-up log says, e.g. {@code redis redis://127.0.0.1:6379/0} (never a password). */
    String description();

    /** The thing a call could not reach when disconnected, e.g. {@code Redis}. */
    String peerName();

    /** Starts connecting in the background; returns at once. Idempotent. */
    void start();

    /**
     * Subscribes {@code channels}, delivering their messages to {@code listener} (one listener
     * per channel; a later subscribe of the same channel replaces it). May be called before the
     * connection is up: the subscription is made as soon as it is, and kept across reconnects.
     *
     * @return completes once the channels are subscribed for the first time
     */
    CompletionStage<Void> subscribe(Set<String> channels, MessageListener listener);

    /** Stops receiving {@code channels}; completes when the broker confirmed it (or at once when disconnected). */
    CompletionStage<Void> unsubscribe(Set<String> channels);

    /**
     * Publishes one message.
     *
     * @return the number of subscribers that received it (as Redis PUBLISH answers); fails at
     *     once when not connected
     */
    CompletionStage<Long> publish(String channel, byte[] message);

    /**
     * Publishes one of Band's own messages (heartbeats, {@code __status} answers) ahead of every
     * queued one, so they never wait behind user work.
     */
    CompletionStage<Long> publishUrgent(String channel, byte[] message);

    /**
     * Atomically sets ({@code value} non-null) or removes {@code field} of the hash {@code key},
     * publishes {@code message} on {@code channel}, and returns the hash as it is right after:
     * what a subscriber of {@code channel} knows when the message reaches it is exactly that
     * state. One Redis script ({@code EVAL}); not for the hot path.
     *
     * @return the fields of the hash after the change, and whether {@code field} was there before;
     *     fails at once when not connected
     */
    CompletionStage<SharedState> publishWithState(
            String key, String field, String value, String channel, byte[] message);

    /**
     * A hash right after {@link #publishWithState} changed it.
     *
     * @param existed whether the field was there before the change
     * @param fields  the hash's fields after it
     */
    record SharedState(boolean existed, java.util.Map<String, String> fields) {}

    /** The current state. */
    TransportState state();

    /**
     * What the transport went through so far, for health and metrics.
     *
     * @param sessionsEnded   connections lost or torn down (0 on the in-process bus)
     * @param deafSessions    of those, the ones the watchdog found deaf
     * @param publishFailures messages that could not be published
     * @param queued          messages waiting to be published
     * @param backlog         messages received and not yet picked up
     * @param readingPaused   true while back-pressure holds reading
     */
    record Stats(
            long sessionsEnded,
            long deafSessions,
            long publishFailures,
            int queued,
            int backlog,
            boolean readingPaused) {}

    /** The counters now. */
    Stats stats();

    /**
     * Which connection this is: changes each time a connection is lost or torn down (always 0 on
     * the in-process bus). A subscriber that keeps state from what it heard checks it: messages
     * published while it was between two connections never reached it. One volatile read.
     */
    default long session() {
        return 0;
    }

    /** True while messages can be published and received. */
    default boolean isConnected() {
        return state() == TransportState.CONNECTED;
    }

    /** Registers a listener for state changes and failed attempts. */
    void addListener(TransportListener listener);

    /** Drops subscriptions and connections; idempotent. */
    @Override
    void close();
}
