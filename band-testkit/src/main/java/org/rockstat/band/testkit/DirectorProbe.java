package org.rockstat.band.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.rockstat.band.BandClient;
import org.rockstat.band.client.RpcClient;

/**
 * Plays Rockstat's director against the service under test: listens for its heartbeats on the
 * {@code director} channel and asks it for {@code __status}, over the service's transport.
 *
 * <pre>{@code
 * assertThat(band.director().register()).hasSize(2);
 * assertThat(band.director().awaitHeartbeats(2, Duration.ofSeconds(5))).hasSize(2);
 * }</pre>
 */
public final class DirectorProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RpcClient client;
    private final String service;
    private final Duration timeout;
    private final List<Instant> heartbeats = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final BandClient.Subscription subscription;

    DirectorProbe(RpcClient client, BandClient observer, String service, Duration timeout) {
        this.client = client;
        this.service = service;
        this.timeout = timeout;
        this.subscription = observer.subscribe("director", (channel, message) -> record(message));
    }

    CompletionStage<Void> ready() {
        return subscription.ready();
    }

    private void record(String message) {
        JsonNode json;
        try {
            json = JSON.readTree(message);
        } catch (Exception e) {
            return; // not a heartbeat of ours: director ignores it too
        }
        String method = json.path("method").asText();
        if (method.contains("__iamalive")
                && service.equals(json.path("params").path("name").asText())) {
            lock.lock();
            try {
                heartbeats.add(Instant.now());
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The {@code data} of the service's {@code __status}: name, app_started, app_uptime, app_state, register. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> status() {
        return (Map<String, Object>) client.call(service, "__status", Map.of(), timeout);
    }

    /** The service's {@code register}: what director tells front about it. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> register() {
        return (List<Map<String, Object>>) status().get("register");
    }

    /** The {@code register} as JSON text, for exact comparisons. */
    public String registerJson() {
        try {
            return JSON.writeValueAsString(register());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Heartbeats received so far (arrival times). */
    public List<Instant> heartbeats() {
        lock.lock();
        try {
            return List.copyOf(heartbeats);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until at least {@code count} heartbeats arrived.
     *
     * @return the arrival times
     * @throws AssertionError when fewer arrive within {@code within}
     */
    public List<Instant> awaitHeartbeats(int count, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        lock.lock();
        try {
            while (heartbeats.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Expected " + count + " heartbeats from '" + service + "' within "
                            + within.toMillis() + " ms, got " + heartbeats.size());
                }
                try {
                    arrived.await(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("Interrupted while waiting for heartbeats", e);
                }
            }
            return List.copyOf(heartbeats);
        } finally {
            lock.unlock();
        }
    }
}
