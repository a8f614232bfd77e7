package org.rockstat.band.internal.transport;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import org.rockstat.band.call.RpcException;

/**
 * The transport over a {@link MemoryBus}: used when {@code redis_dsn} is empty or
 * {@code memory://}. Connected from {@link #start()} until closed; each message is delivered on
 * its own virtual thread, as with Redis.
 */
public final class MemoryTransport implements Transport {
    private final MemoryBus bus;
    private final String reason;
    private final Map<String, MessageListener> listeners = new ConcurrentHashMap<>();
    private final List<TransportListener> stateListeners = new CopyOnWriteArrayList<>();
    private final ThreadFactory delivery =
            Thread.ofVirtual().name("band-rpc-in-", 0).factory();
    private volatile TransportState state = TransportState.NEW;

    /**
     * A transport on {@code bus}.
     *
     * @param reason why the in-memory bus is used, for the start-up log (e.g. {@code no redis_dsn set})
     */
    public MemoryTransport(MemoryBus bus, String reason) {
        this.bus = bus;
        this.reason = reason;
    }

    @Override
    public String kind() {
        return "memory";
    }

    @Override
    public String description() {
        return "in-memory (" + reason + ")";
    }

    @Override
    public String peerName() {
        return "the in-memory bus";
    }

    @Override
    public void start() {
        if (state == TransportState.NEW) {
            move(TransportState.CONNECTED);
        }
    }

    @Override
    public CompletionStage<Void> subscribe(Set<String> channels, MessageListener listener) {
        if (state == TransportState.CLOSED) {
            return CompletableFuture.failedFuture(closedError());
        }
        channels.forEach(channel -> {
            listeners.put(channel, listener);
            bus.subscribe(channel, this);
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> unsubscribe(Set<String> channels) {
        channels.forEach(channel -> {
            bus.unsubscribe(channel, this);
            listeners.remove(channel);
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Long> publish(String channel, byte[] message) {
        if (state != TransportState.CONNECTED) {
            return CompletableFuture.failedFuture(
                    state == TransportState.CLOSED
                            ? closedError()
                            : new RpcException(RpcException.UNAVAILABLE, "in-memory transport is not started"));
        }
        return CompletableFuture.completedFuture(bus.publish(channel, message));
    }

    @Override
    public CompletionStage<Long> publishUrgent(String channel, byte[] message) {
        return publish(channel, message);
    }

    @Override
    public CompletionStage<SharedState> publishWithState(
            String key, String field, String value, String channel, byte[] message) {
        if (state != TransportState.CONNECTED) {
            return publish(channel, message).thenApply(n -> new SharedState(false, Map.of()));
        }
        return CompletableFuture.completedFuture(bus.publishWithState(key, field, value, channel, message));
    }

    @Override
    public Stats stats() {
        return new Stats(0, 0, 0, 0, 0, false);
    }

    /**
     * Hands one message to its channel's listener; false when nobody here listens. Every
     * subscriber gets the publisher's array: nobody changes a message once published.
     */
    boolean deliver(String channel, byte[] message) {
        MessageListener target = listeners.get(channel);
        if (target == null || state == TransportState.CLOSED) {
            return false;
        }
        // under the bus's lock: every transport sees the bus's messages in one order, as with Redis
        Runnable work = target.arrive(channel, message);
        delivery.newThread(work).start();
        return true;
    }

    @Override
    public TransportState state() {
        return state;
    }

    @Override
    public void addListener(TransportListener listener) {
        stateListeners.add(listener);
    }

    @Override
    public void close() {
        if (state != TransportState.CLOSED) {
            bus.unsubscribeAll(this);
            listeners.clear();
            move(TransportState.CLOSED);
        }
    }

    private void move(TransportState to) {
        TransportState from = state;
        state = to;
        stateListeners.forEach(l -> l.stateChanged(from, to));
    }

    private static RpcException closedError() {
        return new RpcException(RpcException.UNAVAILABLE, "in-memory transport is closed");
    }
}
