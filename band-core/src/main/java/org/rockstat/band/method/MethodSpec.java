package org.rockstat.band.method;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a plain-code method is named, routed and registered: what the annotations say, as a value.
 * Create one with a factory and refine it with the {@code with...} copies; the factories are the
 * only way in, so a spec is always one front understands (the enricher is always named
 * {@code enrich}, the listeners {@code broadcast}).
 *
 * <pre>{@code
 * MethodSpec.handler("hello").withPath("/hello/:who").withTimeout(Duration.ofSeconds(2));
 * MethodSpec.enricher(List.of("in.gen.track"), Map.of("ua", "td.ua"));
 * MethodSpec.listener().withKeys(List.of("in.gen.track"));
 * MethodSpec.listener().withEveryReplica(true);   // each replica, not one of them
 * MethodSpec.listener().withDurable(true);        // from the service's stream: nothing received is lost
 * MethodSpec.exposed("stats");
 * MethodSpec.handler("ping").withBlocking(false); // never blocks: runs on the event loop, no thread hop
 * }</pre>
 *
 * <p>Immutable.
 */
public final class MethodSpec {
    /** Wire name of the (single) enricher. */
    public static final String ENRICH = "enrich";
    /** Wire name listeners are reached by. */
    public static final String BROADCAST = "broadcast";

    private final String name;
    private final Role role;
    private final String path;
    private final String alias;
    private final long timeoutMillis;
    private final List<String> keys;
    private final Map<String, String> props;
    private final boolean everyReplica;
    private final boolean durable;
    private final boolean blocking;

    private MethodSpec(
            String name,
            Role role,
            String path,
            String alias,
            long timeoutMillis,
            List<String> keys,
            Map<String, String> props,
            boolean everyReplica,
            boolean durable,
            boolean blocking) {
        this.name = Objects.requireNonNull(name, "name");
        this.role = Objects.requireNonNull(role, "role");
        this.path = path;
        this.alias = alias;
        this.timeoutMillis = timeoutMillis;
        this.keys = keys == null ? List.of() : List.copyOf(keys);
        // insertion order kept: register JSON must not change from run to run
        this.props = props == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(props));
        this.everyReplica = everyReplica;
        this.durable = durable;
        this.blocking = blocking;
    }

    /** A handler named {@code name} ({@code "*"} for the wildcard). */
    public static MethodSpec handler(String name) {
        return new MethodSpec(name, Role.HANDLER, null, null, 0, List.of(), Map.of(), false, false, true);
    }

    /** The enricher, for events whose key starts with one of {@code keys}. */
    public static MethodSpec enricher(List<String> keys, Map<String, String> props) {
        return new MethodSpec(ENRICH, Role.ENRICHER, null, null, 0, keys, props, false, false, true);
    }

    /** A listener of every broadcast event. */
    public static MethodSpec listener() {
        return new MethodSpec(BROADCAST, Role.LISTENER, null, null, 0, List.of(), Map.of(), false, false, true);
    }

    /** A method callable by name, not registered with front. */
    public static MethodSpec exposed(String name) {
        return new MethodSpec(name, Role.EXPOSED, null, null, 0, List.of(), Map.of(), false, false, true);
    }

    /** A copy served over HTTP at {@code path} (may contain {@code :param} segments). */
    public MethodSpec withPath(String path) {
        return new MethodSpec(name, role, path, alias, timeoutMillis, keys, props, everyReplica, durable, blocking);
    }

    /** A copy registered under another service name. */
    public MethodSpec withAlias(String alias) {
        return new MethodSpec(name, role, path, alias, timeoutMillis, keys, props, everyReplica, durable, blocking);
    }

    /** A copy with a timeout: told to front and enforced here ({@link Duration#ZERO}: none). */
    public MethodSpec withTimeout(Duration timeout) {
        return new MethodSpec(
                name, role, path, alias, timeout.toMillis(), keys, props, everyReplica, durable, blocking);
    }

    /** A copy with routing-key prefixes. */
    public MethodSpec withKeys(List<String> keys) {
        return new MethodSpec(name, role, path, alias, timeoutMillis, keys, props, everyReplica, durable, blocking);
    }

    /** A copy with enricher props. */
    public MethodSpec withProps(Map<String, String> props) {
        return new MethodSpec(name, role, path, alias, timeoutMillis, keys, props, everyReplica, durable, blocking);
    }

    /**
     * A listener copy run by every replica of the service for each event ({@code true}), e.g. to
     * invalidate a cache; by default ({@code false}) each event is handled by one replica.
     *
     * @throws IllegalArgumentException for a method that is not a listener
     */
    public MethodSpec withEveryReplica(boolean everyReplica) {
        if (everyReplica && role != Role.LISTENER) {
            throw new IllegalArgumentException("everyReplica is for listeners only, not for " + this);
        }
        if (everyReplica && durable) {
            throw new IllegalArgumentException(
                    "a listener is either run by every replica or durable (one replica, from the service's stream),"
                            + " not both: " + this);
        }
        return new MethodSpec(name, role, path, alias, timeoutMillis, keys, props, everyReplica, durable, blocking);
    }

    /**
     * A listener copy that loses no event this service received ({@code true}): the replica that
     * owns the event appends it to the service's Redis Stream, and the replicas run the listener
     * from there, acknowledged once it returned, retried when it throws, dead-lettered after a few
     * attempts. At least once: after a crash an event may run twice. Not with {@link #withEveryReplica}.
     *
     * <pre>{@code
     * MethodSpec.listener().withKeys(List.of("in.gen")).withDurable(true);
     * }</pre>
     *
     * @throws IllegalArgumentException for a method that is not a listener, or an every-replica one
     */
    public MethodSpec withDurable(boolean durable) {
        if (durable && role != Role.LISTENER) {
            throw new IllegalArgumentException("durable is for listeners only, not for " + this);
        }
        if (durable && everyReplica) {
            throw new IllegalArgumentException(
                    "a listener is either durable (one replica, from the service's stream) or run by every replica,"
                            + " not both: " + this);
        }
        return new MethodSpec(name, role, path, alias, timeoutMillis, keys, props, everyReplica, durable, blocking);
    }

    /**
     * A copy that declares whether the method may block ({@code true}, the default) or not
     * ({@code false}). A method that may block runs on a virtual thread of its own; a
     * <b>non-blocking</b> one runs at once on the thread that received the call, an HTTP request on
     * the Netty event loop that read it, which spares two thread hand-offs per request. Its
     * timeout, bulkhead, metrics, call log and error answers are the same as a blocking one's.
     *
     * <p>The contract: the method returns within a few milliseconds and never waits (no
     * {@code Thread.sleep}, no blocking I/O, no lock held for long, no
     * {@link org.rockstat.band.client.RpcClient#call} or synchronous typed-client call). Work
     * that must wait is returned as a {@link java.util.concurrent.CompletionStage}: the call ends
     * when the stage completes. While a non-blocking method runs, its event loop serves no other
     * connection; one whose code runs longer than {@code rpc.nonblocking_warn_ms} (10 ms by default)
     * twice in a row is logged at WARN, once per method per minute. Over Redis the call still runs on the message's
     * virtual thread.
     *
     * <pre>{@code
     * MethodSpec.handler("ping").withBlocking(false);   // answered on the event loop
     * MethodSpec.handler("lookup").withBlocking(false); // returns a CompletionStage
     * }</pre>
     */
    public MethodSpec withBlocking(boolean blocking) {
        return new MethodSpec(name, role, path, alias, timeoutMillis, keys, props, everyReplica, durable, blocking);
    }

    /** False for a method that declared it never blocks (see {@link #withBlocking}); true by default. */
    public boolean blocking() {
        return blocking;
    }

    /** True for a listener fed from the service's stream (see {@link #withDurable}). */
    public boolean durable() {
        return durable;
    }

    /** True for a listener every replica runs (see {@link #withEveryReplica}). */
    public boolean everyReplica() {
        return everyReplica;
    }

    /** Wire name ({@code enrich} for the enricher, {@code broadcast} for listeners). */
    public String name() {
        return name;
    }

    /** What front does with it. */
    public Role role() {
        return role;
    }

    /** HTTP path, {@code null} for {@code /<name>}. */
    public String path() {
        return path;
    }

    /** Service name front publishes it under, or {@code null}. */
    public String alias() {
        return alias;
    }

    /** Handler timeout told to front and enforced here; 0 for none. */
    public long timeoutMillis() {
        return timeoutMillis;
    }

    /** Routing-key prefixes (enricher: required; listener: optional filter). */
    public List<String> keys() {
        return keys;
    }

    /** Enricher params: param name to dot path in the event, in written order. */
    public Map<String, String> props() {
        return props;
    }

    /** The HTTP path: the declared one or {@code /<name>}. */
    public String httpPath() {
        return path == null || path.isEmpty() ? "/" + name : path;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MethodSpec that
                && name.equals(that.name)
                && role == that.role
                && Objects.equals(path, that.path)
                && Objects.equals(alias, that.alias)
                && timeoutMillis == that.timeoutMillis
                && keys.equals(that.keys)
                && props.equals(that.props)
                && everyReplica == that.everyReplica
                && durable == that.durable
                && blocking == that.blocking;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, role, path, alias, timeoutMillis, keys, props, everyReplica, durable, blocking);
    }

    @Override
    public String toString() {
        return "MethodSpec[" + role.name().toLowerCase(java.util.Locale.ROOT) + " " + name
                + (path == null ? "" : ", path " + path) + (alias == null ? "" : ", alias " + alias)
                + (timeoutMillis == 0 ? "" : ", timeout " + timeoutMillis + " ms")
                + (keys.isEmpty() ? "" : ", keys " + keys) + (props.isEmpty() ? "" : ", props " + props)
                + (everyReplica ? ", every replica" : "") + (durable ? ", durable" : "")
                + (blocking ? "" : ", non-blocking") + "]";
    }
}
