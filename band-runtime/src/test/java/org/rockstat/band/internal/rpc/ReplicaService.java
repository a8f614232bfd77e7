package org.rockstat.band.internal.rpc;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.rockstat.band.annotation.Enricher;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Listener;
import org.rockstat.band.call.Event;
import org.rockstat.band.client.RpcClient;

/**
 * One replica of a replicated service, for the replica tests: answers which replica it is,
 * counts what it handled, and (when {@code report} is set) tells channel {@code seen} about each
 * event it stored, so a test in another process can count them.
 */
public class ReplicaService {
    final String replica = UUID.randomUUID().toString().substring(0, 8);
    final AtomicInteger handled = new AtomicInteger();
    final AtomicInteger enriched = new AtomicInteger();
    final Map<String, Integer> stored = new ConcurrentHashMap<>();
    final AtomicInteger everyReplica = new AtomicInteger();
    private final boolean report;

    public ReplicaService(boolean report) {
        this.report = report;
    }

    @Handler
    public Map<String, Object> work(String n) {
        handled.incrementAndGet();
        return Map.of("n", n, "by", replica);
    }

    @Enricher(keys = "in.gen.track", props = "ua=td.ua")
    public Map<String, Object> enrich(String ua) {
        enriched.incrementAndGet();
        return Map.of("by", replica);
    }

    @Listener
    public void store(Event event, RpcClient client) {
        stored.merge(event.id(), 1, Integer::sum);
        if (report) {
            client.notify("seen", "stored", Map.of("event", event.id(), "by", replica));
        }
    }

    @Listener(everyReplica = true)
    public void invalidate(Event event) {
        everyReplica.incrementAndGet();
    }
}
