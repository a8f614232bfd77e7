package org.rockstat.band;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.rpc.RpcEndpoint;
import org.rockstat.band.internal.transport.MessageCodec;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.internal.transport.Transports;

/**
 * A client on the platform's bus without a service around it: calls services as {@code name}
 * (the channel its responses come back on), and, for tools and tests, publishes and receives raw
 * messages. Scripts, load generators and the testkit's front and director use it.
 *
 * <pre>{@code
 * try (BandClient front = BandClient.connect("front", "redis://127.0.0.1:6379")) {
 *     front.ready().toCompletableFuture().join();
 *     Object status = front.call("uaparser", "__status", Map.of(), Duration.ofSeconds(1));
 *     try (BandClient.Subscription beats = front.subscribe("director", (channel, message) -> System.out.println(message))) {
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>Requests addressed to the client's own name are answered "method not found": it serves
 * nothing.
 */
public final class BandClient implements RpcClient, AutoCloseable {
    private final String name;
    private final Transport transport;
    private final RpcEndpoint endpoint;
    private final CompletableFuture<Void> ready;

    private BandClient(String name, Transport transport) {
        this.name = name;
        this.transport = transport;
        this.endpoint = new RpcEndpoint(name, transport, Integer.MAX_VALUE);
        this.ready = endpoint.start(Set.of(name), null);
    }

    /**
     * Connects as {@code name} to {@code redisDsn} ({@code redis://...}, {@code rediss://...}, or
     * empty / {@code memory://[bus]} for the in-process bus). Returns at once; see {@link #ready()}.
     *
     * @throws org.rockstat.band.config.ConfigurationException when the DSN is invalid
     */
    public static BandClient connect(String name, String redisDsn) {
        Objects.requireNonNull(name, "name");
        Problems problems = new Problems();
        Transports.check(redisDsn, problems);
        problems.throwIfAny();
        return new BandClient(name, Transports.create(redisDsn));
    }

    /** The name calls are sent as. */
    public String name() {
        return name;
    }

    /** Completes once the client's own channel is subscribed, so answers can come back. */
    public CompletionStage<Void> ready() {
        return ready.minimalCompletionStage();
    }

    /**
     * Receives every raw message of {@code channel} (another one than the client's own) until
     * the subscription is closed; {@code listener} runs on a virtual thread per message, with the
     * message's text (the bus carries UTF-8 bytes, decoded here for the listener).
     */
    public Subscription subscribe(String channel, BiConsumer<String, String> listener) {
        return subscribeBytes(channel, (from, message) -> listener.accept(from, MessageCodec.text(message)));
    }

    /**
     * {@link #subscribe} with each message as the UTF-8 bytes it was published as (to read, never
     * to change): what a tool that parses the JSON itself takes, without a {@code String} between.
     */
    public Subscription subscribeBytes(String channel, BiConsumer<String, byte[]> listener) {
        if (channel.equals(name)) {
            throw new IllegalArgumentException(
                    "'" + name + "' is this client's own channel: its responses arrive there");
        }
        CompletableFuture<Void> subscribed =
                transport.subscribe(Set.of(channel), listener::accept).toCompletableFuture();
        return new Subscription() {
            @Override
            public CompletionStage<Void> ready() {
                return subscribed.minimalCompletionStage();
            }

            @Override
            public void close() {
                transport.unsubscribe(Set.of(channel));
            }
        };
    }

    /**
     * Publishes one raw message (as its UTF-8 bytes).
     *
     * @return how many subscribers received it
     */
    public CompletionStage<Long> publish(String channel, String message) {
        return publish(channel, MessageCodec.bytes(message));
    }

    /**
     * Publishes one raw message given as its UTF-8 bytes, which nobody may change afterwards.
     *
     * @return how many subscribers received it
     */
    public CompletionStage<Long> publish(String channel, byte[] message) {
        return transport.publish(channel, message);
    }

    @Override
    public CompletableFuture<Object> request(String service, String method, Object params, Duration timeout) {
        return endpoint.client().request(service, method, params, timeout);
    }

    @Override
    public Object call(String service, String method, Object params, Duration timeout) {
        return endpoint.client().call(service, method, params, timeout);
    }

    @Override
    public void notify(String service, String method, Object params) {
        endpoint.client().notify(service, method, params);
    }

    @Override
    public CompletableFuture<Map<String, Object>> requestAll(
            String channel, String method, Object params, Set<String> services, Duration timeout) {
        return endpoint.client().requestAll(channel, method, params, services, timeout);
    }

    /** Fails pending calls and leaves the bus. */
    @Override
    public void close() {
        endpoint.close();
        transport.close();
    }

    /** A raw subscription of {@link #subscribe}. */
    public interface Subscription extends AutoCloseable {
        /** Completes once the channel is subscribed. */
        CompletionStage<Void> ready();

        /** Stops receiving. */
        @Override
        void close();
    }
}
