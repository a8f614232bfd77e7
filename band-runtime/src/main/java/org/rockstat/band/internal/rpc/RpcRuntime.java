package org.rockstat.band.internal.rpc;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.internal.transport.Transports;
import org.rockstat.band.rpc.RpcClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RPC side of a running service, the one thing the launcher wires: the transport chosen from
 * {@code redis_dsn} plus the protocol engine on top.
 *
 * <pre>{@code
 * RpcRuntime rpc = RpcRuntime.start(settings, model, dispatcher);   // logs "Transport: ..."
 * RpcClient client = rpc.client();
 * ...
 * rpc.close();   // on shutdown, after the HTTP server stops accepting
 * }</pre>
 *
 * <p>{@code start} returns at once: with Redis unreachable the service keeps retrying in the
 * background (and says so in the log), and calls fail with "not connected" meanwhile.
 */
public final class RpcRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RpcRuntime.class);
    private final Transport transport;
    private final RpcEndpoint endpoint;
    private final CompletableFuture<Void> ready;

    private RpcRuntime(Transport transport, RpcEndpoint endpoint, CompletableFuture<Void> ready) {
        this.transport = transport;
        this.endpoint = endpoint;
        this.ready = ready;
    }

    /**
     * Starts the transport named by {@code settings.redisDsn()} and the endpoint on
     * {@code model.channels(settings)}, with {@link RpcOptions#from(Settings)}.
     */
    public static RpcRuntime start(Settings settings, ServiceModel model, Dispatcher dispatcher) {
        RpcOptions options = RpcOptions.from(settings);
        Transport transport = Transports.create(settings);
        log.info("Transport: {}", transport.description());
        return start(settings.name(), model.channels(settings), dispatcher, transport, options);
    }

    /** Starts an endpoint on a given transport (tests, or a launcher that builds its own transport). */
    public static RpcRuntime start(String name, Set<String> channels, Dispatcher dispatcher, Transport transport,
                                   RpcOptions options) {
        RpcEndpoint endpoint = new RpcEndpoint(name, channels, dispatcher, transport, options);
        CompletableFuture<Void> ready = endpoint.start();
        return new RpcRuntime(transport, endpoint, ready);
    }

    /**
     * Completes once every channel is subscribed for the first time (at once in memory; when
     * Redis first answers otherwise). It never fails because Redis is down: it just waits.
     */
    public CompletionStage<Void> ready() {
        return ready.minimalCompletionStage();
    }

    /** The client for calling other services. */
    public RpcClient client() {
        return endpoint.client();
    }

    /** The subscribed channels. */
    public Set<String> channels() {
        return endpoint.channels();
    }

    /** What the start-up log said, e.g. {@code redis redis://127.0.0.1:6379/0}. */
    public String transportDescription() {
        return transport.description();
    }

    /** True while connected to the bus. */
    public boolean isConnected() {
        return transport.isConnected();
    }

    /** Calls of ours waiting for responses (0 when idle; for tests and metrics). */
    public int pendingCalls() {
        return endpoint.pendingCalls();
    }

    /** Stops the heartbeat, fails pending calls with UNAVAILABLE, closes the transport. */
    @Override
    public void close() {
        endpoint.close();
        transport.close();
    }
}
