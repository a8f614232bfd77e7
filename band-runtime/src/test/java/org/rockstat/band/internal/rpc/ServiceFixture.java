package org.rockstat.band.internal.rpc;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.dispatch.ServiceStatus;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.rpc.RpcClient;

/** One running test service: its model, dispatcher and RPC runtime on a given transport. */
final class ServiceFixture implements AutoCloseable {
    final String name;
    final Object service;
    final Dispatcher dispatcher;
    final RpcRuntime runtime;

    ServiceFixture(String name, Object service, Transport transport, int maxInFlight, RpcOptions options) {
        this(name, service, transport, maxInFlight, options, true);
    }

    ServiceFixture(String name, Object service, Transport transport, int maxInFlight, RpcOptions options, boolean awaitReady) {
        this.name = name;
        this.service = service;
        Settings settings = Settings.of(Map.of("name", name));
        ServiceModel model = ServiceModel.builder(settings).service(service).build();
        this.dispatcher = new Dispatcher(model, new ServiceStatus(name, model, Clock.systemUTC()), maxInFlight);
        this.runtime = RpcRuntime.start(name, model.channels(settings), dispatcher, transport, options);
        if (awaitReady) {
            runtime.ready().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    /** A service built from {@link TestService}. */
    static ServiceFixture test(String name, Transport transport) {
        return new ServiceFixture(name, new TestService(name), transport, 200, RpcOptions.defaults());
    }

    RpcClient client() {
        return runtime.client();
    }

    TestService testService() {
        return (TestService) service;
    }

    @Override
    public void close() {
        runtime.close();
        dispatcher.close();
    }
}
