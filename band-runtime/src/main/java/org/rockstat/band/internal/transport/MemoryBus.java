package org.rockstat.band.internal.transport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process pub/sub bus: what Redis does, inside one JVM. {@link #shared()} is the JVM-wide
 * bus every {@link MemoryTransport} uses by default, so services started in one JVM can call each
 * other; tests may create private buses.
 */
public final class MemoryBus {
    private static final MemoryBus SHARED = new MemoryBus();
    private static final java.util.concurrent.ConcurrentMap<String, MemoryBus> NAMED =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<String, List<MemoryTransport>> subscribers = new ConcurrentHashMap<>();

    /** A new, private bus. */
    public MemoryBus() {
    }

    /**
     * The bus called {@code name} ({@code redis_dsn: memory://name}); the empty name is the shared
     * bus. Separate names keep services of separate tests in one JVM apart.
     */
    public static MemoryBus named(String name) {
        return name == null || name.isEmpty() ? SHARED : NAMED.computeIfAbsent(name, n -> new MemoryBus());
    }

    /** The JVM-wide bus ({@code memory://} or no {@code redis_dsn}). */
    public static MemoryBus shared() {
        return SHARED;
    }

    void subscribe(String channel, MemoryTransport transport) {
        List<MemoryTransport> list = subscribers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>());
        if (!list.contains(transport)) {
            list.add(transport);
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
    int publish(String channel, String message) {
        List<MemoryTransport> list = subscribers.get(channel);
        if (list == null) {
            return 0;
        }
        for (MemoryTransport transport : list) {
            transport.deliver(channel, message);
        }
        return list.size();
    }
}
