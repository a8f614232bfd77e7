package org.rockstat.band.rpc;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a plain-code method is named, routed and registered: what the annotations say, as a value.
 * Create one with a factory and refine it with the {@code with...} copies.
 *
 * <pre>{@code
 * MethodSpec.handler("hello").withPath("/hello/:who").withTimeout(Duration.ofSeconds(2));
 * MethodSpec.enricher(List.of("in.gen.track"), Map.of("ua", "td.ua"));
 * MethodSpec.listener().withKeys(List.of("in.gen.track"));
 * MethodSpec.exposed("stats");
 * }</pre>
 *
 * @param name          wire name ({@code enrich} for the enricher, {@code broadcast} for listeners)
 * @param role          what front does with it
 * @param path          HTTP path, {@code null} for {@code /<name>}
 * @param alias         service name front publishes it under, or {@code null}
 * @param timeoutMillis handler timeout told to front and enforced here; 0 for none
 * @param keys          routing-key prefixes (enricher: required; listener: optional filter)
 * @param props         enricher params: param name to dot path in the event
 */
public record MethodSpec(String name, Role role, String path, String alias, long timeoutMillis,
                         List<String> keys, Map<String, String> props) {

    /** Wire name of the (single) enricher. */
    public static final String ENRICH = "enrich";
    /** Wire name listeners are reached by. */
    public static final String BROADCAST = "broadcast";

    public MethodSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        keys = keys == null ? List.of() : List.copyOf(keys);
        // insertion order kept: register JSON must not change from run to run
        props = props == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(props));
    }

    /** A handler named {@code name} ({@code "*"} for the wildcard). */
    public static MethodSpec handler(String name) {
        return new MethodSpec(name, Role.HANDLER, null, null, 0, List.of(), Map.of());
    }

    /** The enricher, for events whose key starts with one of {@code keys}. */
    public static MethodSpec enricher(List<String> keys, Map<String, String> props) {
        return new MethodSpec(ENRICH, Role.ENRICHER, null, null, 0, keys, props);
    }

    /** A listener of every broadcast event. */
    public static MethodSpec listener() {
        return new MethodSpec(BROADCAST, Role.LISTENER, null, null, 0, List.of(), Map.of());
    }

    /** A method callable by name, not registered with front. */
    public static MethodSpec exposed(String name) {
        return new MethodSpec(name, Role.EXPOSED, null, null, 0, List.of(), Map.of());
    }

    /** A copy served over HTTP at {@code path} (may contain {@code :param} segments). */
    public MethodSpec withPath(String path) {
        return new MethodSpec(name, role, path, alias, timeoutMillis, keys, props);
    }

    /** A copy registered under another service name. */
    public MethodSpec withAlias(String alias) {
        return new MethodSpec(name, role, path, alias, timeoutMillis, keys, props);
    }

    /** A copy with a timeout. */
    public MethodSpec withTimeout(Duration timeout) {
        return new MethodSpec(name, role, path, alias, timeout.toMillis(), keys, props);
    }

    /** A copy with routing-key prefixes. */
    public MethodSpec withKeys(List<String> keys) {
        return new MethodSpec(name, role, path, alias, timeoutMillis, keys, props);
    }

    /** A copy with enricher props. */
    public MethodSpec withProps(Map<String, String> props) {
        return new MethodSpec(name, role, path, alias, timeoutMillis, keys, props);
    }

    /** The HTTP path: the declared one or {@code /<name>}. */
    public String httpPath() {
        return path == null || path.isEmpty() ? "/" + name : path;
    }
}
