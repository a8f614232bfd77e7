package org.rockstat.band.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.rockstat.band.rpc.MethodSpec;
import org.rockstat.band.rpc.RpcClient;

/**
 * Plays Rockstat's front against the service under test: sends exactly what front sends, over
 * the service's transport, routed by the service's own {@code register} as front routes it.
 *
 * <pre>{@code
 * Object result = band.front().event("track", "click").ua("Mozilla/5.0 ...").ip("1.2.3.4").data("q", 1).call();
 * Object enrichment = band.front().enrich(Map.of("ua", "Mozilla/5.0 ..."));
 * band.front().broadcast(band.front().event("track", "click"));
 * }</pre>
 */
public final class FrontClient {
    private final RpcClient client;
    private final String service;
    private final Supplier<List<Map<String, Object>>> register;
    private final Duration timeout;

    FrontClient(RpcClient client, String service, Supplier<List<Map<String, Object>>> register, Duration timeout) {
        this.client = client;
        this.service = service;
        this.register = register;
        this.timeout = timeout;
    }

    /**
     * A front event for the public URL {@code /<urlService>/<name>}: routing key
     * {@code in.gen.<urlService>.<name>}, channel {@code http}, a fresh id and the current time.
     */
    public Event event(String urlService, String name) {
        return new Event(urlService, name);
    }

    /**
     * The enrich round trip: ONE {@code enrich} request on channel {@code enrich} with these
     * props, as front sends it; returns this service's answer.
     *
     * @throws AssertionError when the service does not answer in time
     */
    public Object enrich(Map<String, ?> props) {
        Map<String, Object> answers = join(client.requestAll(MethodSpec.ENRICH, MethodSpec.ENRICH, props, Set.of(service), timeout));
        if (!answers.containsKey(service)) {
            throw new AssertionError("Service '" + service + "' did not answer the enrich request " + props
                    + " within " + timeout.toMillis() + " ms");
        }
        return answers.get(service);
    }

    /** The {@code broadcast} notification front sends after handling; nothing is answered. */
    public void broadcast(Event event) {
        client.notify(MethodSpec.BROADCAST, MethodSpec.BROADCAST, event.toMap());
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get(1, TimeUnit.HOURS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An event being built; {@link #call()} sends it to the handler front would choose. */
    public final class Event {
        private final String urlService;
        private final String name;
        private final Map<String, Object> td = new LinkedHashMap<>();
        private final Map<String, Object> data = new LinkedHashMap<>();
        private String uid = "test-uid";
        private long projectId = 1;

        private Event(String urlService, String name) {
            this.urlService = urlService;
            this.name = name;
        }

        /** Adds an event data field. */
        public Event data(String key, Object value) {
            data.put(key, value);
            return this;
        }

        /** Adds event data fields. */
        public Event data(Map<String, ?> values) {
            data.putAll(values);
            return this;
        }

        /** Sets {@code td.ua}. */
        public Event ua(String ua) {
            return td("ua", ua);
        }

        /** Sets {@code td.ip}. */
        public Event ip(String ip) {
            return td("ip", ip);
        }

        /** Sets a transport-data field ({@code ref}, {@code host}...). */
        public Event td(String key, Object value) {
            td.put(key, value);
            return this;
        }

        /** Sets the visitor id. */
        public Event uid(String value) {
            uid = value;
            return this;
        }

        /** Sets the project id. */
        public Event projectId(long value) {
            projectId = value;
            return this;
        }

        /** The event as front sends it (PROTOCOL §4.3). */
        public Map<String, Object> toMap() {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("key", "in.gen." + urlService + "." + name);
            event.put("service", urlService);
            event.put("name", name);
            event.put("channel", "http");
            event.put("projectId", projectId);
            event.put("uid", uid);
            event.put("td", new LinkedHashMap<>(td));
            event.put("data", new LinkedHashMap<>(data));
            event.put("id", UUID.randomUUID().toString().replace("-", ""));
            event.put("time", System.currentTimeMillis());
            return event;
        }

        /**
         * Sends the event to the handler front routes {@code in.gen.<urlService>.<name>} to: a
         * handler named {@code name} (or the wildcard {@code *}) registered under that service name
         * or alias. Returns its result as front receives it ({@code data} unwrapped, other typed
         * results as {@link org.rockstat.band.rpc.Response}).
         *
         * @throws AssertionError when the service registers no such handler
         * @throws org.rockstat.band.rpc.RpcException when the call fails
         */
        public Object call() {
            String method = route();
            return client.call(service, method, toMap(), timeout);
        }

        private String route() {
            String wildcard = null;
            for (Map<String, Object> entry : register.get()) {
                if (!"handler".equals(entry.get("role"))) {
                    continue;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> options = (Map<String, Object>) entry.getOrDefault("options", Map.of());
                String routed = (String) options.getOrDefault("alias", service);
                String method = (String) entry.get("method");
                if (routed.equals(urlService) && method.equals(name)) {
                    return method;
                }
                if (routed.equals(urlService) && method.equals("*")) {
                    wildcard = method;
                }
            }
            if (wildcard != null) {
                return wildcard;
            }
            throw new AssertionError("Front would not route in.gen." + urlService + "." + name + " to service '"
                    + service + "': no handler for it in its register " + register.get());
        }
    }
}
