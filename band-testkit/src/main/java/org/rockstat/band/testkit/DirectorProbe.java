package org.rockstat.band.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.rpc.RpcClient;

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
    private final RpcClient client;
    private final String service;
    private final Duration timeout;
    private final List<Instant> heartbeats = new ArrayList<>();

    DirectorProbe(RpcClient client, Transport listener, String service, Duration timeout) {
        this.client = client;
        this.service = service;
        this.timeout = timeout;
        listener.subscribe(java.util.Set.of("director"), (channel, message) -> record(message));
    }

    private void record(String message) {
        try {
            JsonNode json = Json.mapper().readTree(message);
            String method = json.path("method").asText();
            if (method.contains("__iamalive") && service.equals(json.path("params").path("name").asText())) {
                synchronized (heartbeats) {
                    heartbeats.add(Instant.now());
                    heartbeats.notifyAll();
                }
            }
        } catch (Exception e) {
            // not a heartbeat of ours: director ignores it too
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
        return Json.write(register());
    }

    /** Heartbeats received so far (arrival times). */
    public List<Instant> heartbeats() {
        synchronized (heartbeats) {
            return List.copyOf(heartbeats);
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
        synchronized (heartbeats) {
            while (heartbeats.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Expected " + count + " heartbeats from '" + service + "' within "
                            + within.toMillis() + " ms, got " + heartbeats.size());
                }
                try {
                    heartbeats.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("Interrupted while waiting for heartbeats", e);
                }
            }
            return List.copyOf(heartbeats);
        }
    }
}
