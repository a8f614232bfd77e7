package org.rockstat.band.testkit;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.dispatch.ServiceStatus;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.internal.rpc.RpcOptions;
import org.rockstat.band.internal.rpc.RpcRuntime;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.internal.transport.Transports;
import org.rockstat.band.rpc.RpcClient;

/**
 * One platform peer (front or director) on the service's transport: an RPC endpoint with no
 * methods of its own, so everything it sends and receives crosses the real bus or Redis.
 */
final class Platform implements AutoCloseable {
    private final Transport transport;
    private final Dispatcher dispatcher;
    private final RpcRuntime runtime;

    Platform(String name, Settings serviceSettings, Duration timeout) {
        Settings settings = Settings.of(java.util.Map.of("name", name,
                "redis_dsn", serviceSettings.redisDsn().orElse("")));
        ServiceModel none = ServiceModel.builder(settings).build();
        this.transport = Transports.create(settings);
        this.dispatcher = new Dispatcher(none, new ServiceStatus(name, none, Clock.systemUTC()), 16);
        this.runtime = RpcRuntime.start(name, Set.of(name), dispatcher, transport, RpcOptions.defaults()
                .withHeartbeat(Duration.ofDays(1), Duration.ofDays(1)));
        try {
            runtime.ready().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("The test's " + name + " could not join " + transport.description()
                    + " within " + timeout.toMillis() + " ms", e);
        }
    }

    RpcClient client() {
        return runtime.client();
    }

    Transport transport() {
        return transport;
    }

    @Override
    public void close() {
        try {
            runtime.close();
        } finally {
            dispatcher.close();
            transport.close();
        }
    }
}
