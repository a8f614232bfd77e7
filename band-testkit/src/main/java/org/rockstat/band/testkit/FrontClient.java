package org.rockstat.band.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.fixtures.FrontEvent;
import org.rockstat.band.method.MethodSpec;

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
     * {@code in.gen.<urlService>.<name>}, channel {@code http}, a fresh id and the current time;
     * its {@link FrontEvent#call()} sends it as {@link #call(FrontEvent)} does.
     */
    public FrontEvent event(String urlService, String name) {
        return FrontEvent.sentBy(urlService, name, this::call);
    }

    /**
     * The enrich round trip: ONE {@code enrich} request on channel {@code enrich} with these
     * props, as front sends it; returns this service's answer, told apart as front tells it: by
     * the answer's {@code from}, which must be the enricher's {@code alias} when its register entry
     * has one, else the service's name.
     *
     * @throws AssertionError when the service does not answer in time
     */
    public Object enrich(Map<String, ?> props) {
        String as = enricherName();
        Map<String, Object> answers =
                join(client.requestAll(MethodSpec.ENRICH, MethodSpec.ENRICH, props, Set.of(as), timeout));
        if (!answers.containsKey(as)) {
            throw new AssertionError("Service '" + service + "' did not answer the enrich request " + props + " from '"
                    + as + "' within " + timeout.toMillis() + " ms");
        }
        return answers.get(as);
    }

    /** The name front awaits the enricher's answer by: its alias, else the service. */
    private String enricherName() {
        for (Map<String, Object> entry : register.get()) {
            if ("enricher".equals(entry.get("role")) && entry.get("options") instanceof Map<?, ?> options) {
                Object alias = options.get("alias");
                return alias instanceof String a && !a.isEmpty() ? a : service;
            }
        }
        return service;
    }

    /** The {@code broadcast} notification front sends after handling; nothing is answered. */
    public void broadcast(FrontEvent event) {
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

    /**
     * Sends {@code event} to the handler front routes {@code in.gen.<urlService>.<name>} to: a
     * handler named {@code name} (or the wildcard {@code *}) registered under that service name
     * or alias. Returns its result as front receives it ({@code data} unwrapped, other typed
     * results as {@link org.rockstat.band.call.Response}).
     *
     * @throws AssertionError when the service registers no such handler
     * @throws org.rockstat.band.call.RpcException when the call fails
     */
    public Object call(FrontEvent event) {
        return client.call(service, route(event), event.toMap(), timeout);
    }

    private String route(FrontEvent event) {
        String wildcard = null;
        for (Map<String, Object> entry : register.get()) {
            if (!"handler".equals(entry.get("role"))) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> options = (Map<String, Object>) entry.getOrDefault("options", Map.of());
            String routed = (String) options.getOrDefault("alias", service);
            String method = (String) entry.get("method");
            if (routed.equals(event.urlService()) && method.equals(event.name())) {
                return method;
            }
            if (routed.equals(event.urlService()) && method.equals("*")) {
                wildcard = method;
            }
        }
        if (wildcard != null) {
            return wildcard;
        }
        throw new AssertionError("Front would not route in.gen." + event.urlService() + "." + event.name()
                + " to service '" + service + "': no handler for it in its register " + register.get());
    }
}
