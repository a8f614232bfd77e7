package org.rockstat.band.testkit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.client.RpcClient;

/**
 * Calls the service under test over the bus as another service would: {@code @Expose},
 * {@code @Handler} and system methods by their wire name, with params as a {@code Map} or a
 * record, answered with the decoded result. The caller's name is what the service sees in
 * {@code CallContext.caller()}.
 *
 * <pre>{@code
 * Object stats = band.call("stats", Map.of());                       // as "testkit"
 * Stats typed = band.callAs("stats", Map.of(), Stats.class);          // decoded into a record
 * band.caller("billing").call("charge", Map.of("amount", 5));         // as "billing"
 * assertThatThrownBy(() -> band.call("charge", Map.of()))
 *         .isInstanceOfSatisfying(RpcException.class,
 *                 e -> assertThat(e.code()).isEqualTo(RpcException.INVALID_PARAMS));
 * }</pre>
 *
 * <p>Results come back as {@code RpcClient} returns them: {@code Map}, {@code List},
 * {@code String}, {@code Number}, {@code Boolean} or {@code null}, a typed result other than
 * {@code data} as a {@code Response}. Errors are {@link RpcException}s carrying the service's code
 * and message.
 */
public final class ServiceCaller {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .findAndAddModules()
            // as Band reads records: a field the test's record does not declare is not an error
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final String name;
    private final Supplier<RpcClient> client;
    private final String service;
    private final Duration timeout;

    ServiceCaller(String name, Supplier<RpcClient> client, String service, Duration timeout) {
        this.name = name;
        this.client = client;
        this.service = service;
        this.timeout = timeout;
    }

    /** The name calls are sent as. */
    public String name() {
        return name;
    }

    /**
     * Calls {@code method} and waits for its result (up to the extension's timeout).
     *
     * @param params a {@code Map}, a record or bean, or {@code null} for none
     * @throws RpcException with the service's error code and message, or
     *     {@link RpcException#TIMEOUT} when no answer came in time
     */
    public Object call(String method, Object params) {
        return client.get().call(service, method, params, timeout);
    }

    /**
     * Calls {@code method} and decodes its result into {@code type} (a record, a bean,
     * {@code String}, {@code Integer}...), as a peer service would.
     *
     * @throws RpcException as {@link #call(String, Object)} does
     * @throws AssertionError when the result does not decode into {@code type}
     */
    public <T> T callAs(String method, Object params, Class<T> type) {
        Objects.requireNonNull(type, "type");
        Object result = call(method, params);
        try {
            return JSON.convertValue(result, type);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(
                    service + "." + method + " answered " + result + ", which is not a " + type.getSimpleName() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** Sends {@code method} as a notification: nothing is answered, nothing is waited for. */
    public void notify(String method, Object params) {
        client.get().notify(service, method, params);
    }

    @Override
    public String toString() {
        return "ServiceCaller[" + name + " -> " + service + "]";
    }
}
