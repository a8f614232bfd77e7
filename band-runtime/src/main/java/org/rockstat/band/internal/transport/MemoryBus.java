package org.rockstat.band.internal.transport;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-process pub/sub bus: what Redis does, inside one JVM. {@link #shared()} is the JVM-wide
 * bus ({@code redis_dsn} empty or {@code memory://}), so services started in one JVM can call each
 * other; {@link #named} buses ({@code memory://name}) keep tests apart.
 */
public final class MemoryBus {
    private static final MemoryBus SHARED = new MemoryBus();
    private static final ConcurrentMap<String, MemoryBus> NAMED = new ConcurrentHashMap<>();

    private final Map<String, CopyOnWriteArrayList<MemoryTransport>> subscribers = new ConcurrentHashMap<>();
    // one publish at a time: every subscriber sees the messages in the same order, as Redis delivers them
    private final ReentrantLock order = new ReentrantLock();
    private final Map<String, Map<String, String>> hashes = new HashMap<>();

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
    long publish(String channel, byte[] message) {
        List<MemoryTransport> list = subscribers.get(channel);
        if (list == null) {
            return 0;
        }
        order.lock();
        try {
            long delivered = 0;
            for (MemoryTransport transport : list) {
                if (transport.deliver(channel, message)) {
                    delivered++;
                }
            }
            return delivered;
        } finally {
            order.unlock();
        }
    }

    /** {@link Transport#publishWithState} on this bus: the change, the publish and the read in one step. */
    Transport.SharedState publishWithState(String key, String field, String value, String channel, byte[] message) {
        order.lock();
        try {
            Map<String, String> hash = hashes.computeIfAbsent(key, k -> new LinkedHashMap<>());
            boolean existed = hash.containsKey(field);
            if (value == null) {
                hash.remove(field);
            } else {
                hash.put(field, value);
            }
            publish(channel, message);
            return new Transport.SharedState(existed, Map.copyOf(hash));
        } finally {
            order.unlock();
        }
    }
}
