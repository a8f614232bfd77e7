package org.rockstat.band.client;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.rockstat.band.call.Response;
import org.rockstat.band.call.RpcException;

/**
 * Calls other services over the bus (Redis pub/sub, or the in-process bus when no
 * {@code redis_dsn} is set), speaking the Band wire protocol.
 *
 * <p>Params may be a {@code Map}, a record or bean, a Jackson {@code ObjectNode} or {@code null}
 * (sent as {@code {}}); they must serialise to a JSON object. Results come back as plain Java
 * values ({@code Map}, {@code List}, {@code String}, {@code Number}, {@code Boolean} or
 * {@code null}); a typed result ({@code type__}) comes back as a {@link Response}, except
 * {@code type__: data}, which is unwrapped to its {@code data}, as the Python client does.
 *
 * <pre>{@code
 * // asynchronous
 * client.request("mmgeo", "enrich", Map.of("ip", "1.2.3.4"), Duration.ofMillis(500))
 *       .thenAccept(geo -> log.info("geo: {}", geo));
 *
 * // blocking (fine on a virtual thread, e.g. inside a service method)
 * Object status = client.call("uaparser", "__status", null, Duration.ofSeconds(1));
 *
 * // fire and forget
 * client.notify("director", "__iamalive", Map.of("name", "mysvc"));
 *
 * // what front does for enrichers: one request on "enrich", a result per service
 * Map<String, Object> byService = client.requestAll("enrich", "enrich",
 *         Map.of("ua", ua, "ip", ip), Set.of("uaparser", "mmgeo"), Duration.ofMillis(300)).join();
 * }</pre>
 *
 * <p>Failures are {@link RpcException}s that say which service, method and why:
 * {@link RpcException#TIMEOUT} ({@code "Call uaparser.enrich timed out after 500 ms"}), the
 * remote error's own code ({@code "uaparser.enrich failed: <remote message> (code -32602)"}) or
 * {@link RpcException#UNAVAILABLE} ({@code "Call uaparser.enrich failed: not connected to Redis"}).
 *
 * <p>A request nobody can hear fails at once: Redis {@code PUBLISH} answers how many subscribers
 * got it, and when that is 0 no answer can ever come, so the call ends with
 * {@link RpcException#UNAVAILABLE} {@code "Call mmgeo.enrich failed: no service 'mmgeo' is
 * listening"} instead of waiting its timeout. A {@link #requestAll} on a channel nobody listens to
 * completes at once with no results; a {@link #notify} that reached nobody is counted as dropped
 * and logged (at most one WARN line per interval).
 */
public interface RpcClient {

    /**
     * Sends a request to {@code service} and completes with its result.
     *
     * @param service the callee's name (its channel)
     * @param method  the method's wire name, e.g. {@code enrich}, {@code __status}
     * @param params  a {@code Map}, record, {@code ObjectNode} or {@code null}
     * @param timeout how long to wait for the response
     * @return the result, or a failure with an {@link RpcException}
     */
    CompletableFuture<Object> request(String service, String method, Object params, Duration timeout);

    /**
     * Blocking {@link #request}: waits for the result.
     *
     * @throws RpcException on timeout, a remote error or when not connected
     */
    Object call(String service, String method, Object params, Duration timeout);

    /** Sends a notification (no response is expected or waited for). Never throws for transport problems. */
    void notify(String service, String method, Object params);

    /**
     * Publishes ONE request on {@code channel} (for example {@code enrich}, which every enricher
     * service subscribes) and collects the results by responding service (the response's
     * {@code from}), until every service in {@code services} answered or the timeout passes.
     * Completes with what arrived; a timeout is not a failure. Answers from services not in
     * {@code services} are ignored; services that answered with an
     * error are left out. With an empty {@code services} it collects every answer until the
     * timeout.
     *
     * @return results keyed by service name; fails only when the request could not be sent
     */
    CompletableFuture<Map<String, Object>> requestAll(
            String channel, String method, Object params, Set<String> services, Duration timeout);

    /**
     * A typed client: a proxy of {@code type}, a {@link RemoteService} interface, whose methods
     * call that service through this client. The interface is checked here, once per interface.
     *
     * <pre>{@code
     * Geo geo = rpc.proxy(Geo.class);
     * Geo.Location where = geo.enrich("1.2.3.4");
     * }</pre>
     *
     * @throws org.rockstat.band.config.ConfigurationException naming every method that cannot be
     *     called so, and how to fix it
     */
    default <T> T proxy(Class<T> type) {
        return org.rockstat.band.internal.registry.RemoteClients.proxy(type, () -> this);
    }
}
