package org.rockstat.band.internal.transport;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.rockstat.band.rpc.RpcException;

/**
 * The transport over a {@link MemoryBus}: used when {@code redis_dsn} is empty or
 * {@code memory://}. Always connected until closed; each message is delivered on its own virtual
 * thread, as with Redis.
 */
public final class MemoryTransport implements Transport {
    private final MemoryBus bus;
    private final String reason;
    private volatile MessageListener listener;
    private volatile boolean closed;

    /**
     * A transport on {@code bus}.
     *
     * @param reason why the in-memory bus is used, for the start-up log (e.g. {@code no redis_dsn set})
     */
    public MemoryTransport(MemoryBus bus, String reason) {
        this.bus = bus;
        this.reason = reason;
    }

    /** A transport on the JVM-wide bus. */
    public MemoryTransport() {
        this(MemoryBus.shared(), "no redis_dsn set");
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
    public CompletionStage<Void> subscribe(Set<String> channels, MessageListener listener) {
        if (closed) {
            return CompletableFuture.failedFuture(closedError());
        }
        this.listener = listener;
        channels.forEach(channel -> bus.subscribe(channel, this));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> publish(String channel, String message) {
        if (closed) {
            return CompletableFuture.failedFuture(closedError());
        }
        bus.publish(channel, message);
        return CompletableFuture.completedFuture(null);
    }

    void deliver(String channel, String message) {
        MessageListener target = listener;
        if (target != null && !closed) {
            Thread.ofVirtual().name("band-rpc-in").start(() -> target.onMessage(channel, message));
        }
    }

    @Override
    public boolean isConnected() {
        return !closed;
    }

    @Override
    public void onConnectionChange(ConnectionListener listener) {
        // always connected until closed: nothing ever changes
    }

    @Override
    public void close() {
        closed = true;
        bus.unsubscribeAll(this);
    }

    private static RpcException closedError() {
        return new RpcException(RpcException.UNAVAILABLE, "in-memory transport is closed");
    }
}
