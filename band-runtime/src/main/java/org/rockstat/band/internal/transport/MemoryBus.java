package org.rockstat.band.internal.transport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process pub/sub bus: what Redis does, inside one JVM. {@link #shared()} is the JVM-wide
 * bus ({@code redis_dsn} empty or {@code memory://}), so services started in one JVM can call each
 * other; {@link #named} buses ({@code memory://name}) keep tests apart.
 */
public final class MemoryBus {
    private static final MemoryBus SHARED = new MemoryBus();
    private static final ConcurrentMap<String, MemoryBus> NAMED = new ConcurrentHashMap<>();

    private final Map<String, CopyOnWriteArrayList<MemoryTransport>> subscribers = new ConcurrentHashMap<>();

    /** A new, private bus. */
    public MemoryBus() {}

    /** The bus called {@code name}; the empty name is the shared bus. */
    public static MemoryBus named(String name) {
        return name == null || name.isEmpty() ? SHARED : NAMED.computeIfAbsent(name, n -> new MemoryBus());
    }

    /** The JVM-wide bus. */
    public static MemoryBus shared() {
        return SHARED;
    }

    void subscribe(String channel, MemoryTransport transport) {
        CopyOnWriteArrayList<MemoryTransport> list =
                subscribers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>());
        list.addIfAbsent(transport);
    }

    void unsubscribe(String channel, MemoryTransport transport) {
        List<MemoryTransport> list = subscribers.get(channel);
        if (list != null) {
            list.remove(transport);
        }
    }

    void unsubscribeAll(MemoryTransport transport) {
        subscribers.values().forEach(list -> list.remove(transport));
    }

    /**
     * Delivers {@code message} to every transport subscribed to {@code channel}.
     *
     * @return how many received it (as Redis PUBLISH answers)
     */
    long publish(String channel, String message) {
        List<MemoryTransport> list = subscribers.get(channel);
        if (list == null) {
            return 0;
        }
        long delivered = 0;
        for (MemoryTransport transport : list) {
            if (transport.deliver(channel, message)) {
                delivered++;
            }
        }
        return delivered;
    }
}
