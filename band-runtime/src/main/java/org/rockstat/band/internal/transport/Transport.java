package org.rockstat.band.internal.transport;

import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Moves whole text messages between named channels: Redis pub/sub, or the in-process bus. The
 * protocol engine ({@link org.rockstat.band.internal.rpc.RpcEndpoint}) sits on top and knows
 * nothing of which one it uses.
 *
 * <p>Contract: messages are delivered to the listener on virtual threads (never on an I/O event
 * loop), so a listener may block briefly; a publish while disconnected fails fast; subscriptions
 * survive reconnects.
 */
public interface Transport extends AutoCloseable {

    /** {@code redis} or {@code memory}: the {@code transport} of a {@link org.rockstat.band.rpc.CallContext}. */
    String kind();

    /** What the start-up log says, e.g. {@code redis redis://127.0.0.1:6379/0} (never a password). */
    String description();

    /** The thing a call could not reach when disconnected, e.g. {@code Redis}. */
    String peerName();

    /**
     * Subscribes {@code channels}, delivering every message to {@code listener}. May be called
     * before the connection is up: the subscription is made as soon as it is, and kept across
     * reconnects.
     *
     * @return completes once the channels are subscribed for the first time
     */
    CompletionStage<Void> subscribe(Set<String> channels, MessageListener listener);

    /**
     * Publishes one message.
     *
     * @return completes when handed to the broker; fails at once when not connected
     */
    CompletionStage<Void> publish(String channel, String message);

    /** True while messages can be published and received. */
    boolean isConnected();

    /** Registers a callback for every change of {@link #isConnected()}. */
    void onConnectionChange(ConnectionListener listener);

    /** Drops subscriptions and connections; idempotent. */
    @Override
    void close();
}
