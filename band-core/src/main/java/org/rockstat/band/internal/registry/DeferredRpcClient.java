package org.rockstat.band.internal.registry;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.client.RpcClient;

/**
 * The {@link RpcClient} a service's constructor receives: the service is built before the
 * transport exists, so each call goes to the client the runtime has by then.
 */
final class DeferredRpcClient implements RpcClient {
    private final Supplier<? extends RpcClient> client;

    DeferredRpcClient(Supplier<? extends RpcClient> client) {
        this.client = client;
    }

    private RpcClient client(String service, String method) {
        RpcClient now = client.get();
        if (now == null) {
            throw new RpcException(
                    RpcException.UNAVAILABLE,
                    "Call " + service + "." + method + " failed: the service is not started yet");
        }
        return now;
    }

    @Override
    public CompletableFuture<Object> request(String service, String method, Object params, Duration timeout) {
        return client(service, method).request(service, method, params, timeout);
    }

    @Override
    public Object call(String service, String method, Object params, Duration timeout) {
        return client(service, method).call(service, method, params, timeout);
    }

    @Override
    public void notify(String service, String method, Object params) {
        client(service, method).notify(service, method, params);
    }

    @Override
    public CompletableFuture<Map<String, Object>> requestAll(
            String channel, String method, Object params, Set<String> services, Duration timeout) {
        return client(channel, method).requestAll(channel, method, params, services, timeout);
    }

    @Override
    public String toString() {
        return "RpcClient (the service's)";
    }
}
