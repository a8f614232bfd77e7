package org.rockstat.band.internal.rpc;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.runtime.ServiceAssembly;
import org.rockstat.band.internal.transport.TransportListener;

/** One running test service, put together by the runtime's assembler on a given bus. */
final class ServiceFixture implements AutoCloseable {
    final String name;
    final Object service;
    final ServiceAssembly assembly;
    private final AtomicInteger failedAttempts = new AtomicInteger();

    /**
     * A service {@code name} on {@code dsn} ({@code memory://bus} or a Redis DSN), its HTTP on a
     * free loopback port, with {@code rpc} settings merged over the defaults.
     */
    ServiceFixture(String name, Object service, String dsn, Map<String, ?> rpc, boolean awaitReady) {
        this(name, service, dsn, rpc, Map.of(), awaitReady);
    }

    /** The same, with more top-level settings ({@code redis_tls}, say) merged in. */
    ServiceFixture(
            String name, Object service, String dsn, Map<String, ?> rpc, Map<String, ?> more, boolean awaitReady) {
        this.name = name;
        this.service = service;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("name", name);
        settings.put("redis_dsn", dsn);
        settings.put("listen", "127.0.0.1:0");
        settings.put("rpc", rpc);
        settings.putAll(more);
        this.assembly = ServiceAssembly.start(Settings.of(settings), List.of(), List.of(service), List.of());
        assembly.transport().addListener(new TransportListener() {
            @Override
            public void attemptFailed(int attempt, Duration delay, String reason) {
                failedAttempts.incrementAndGet();
            }
        });
        if (awaitReady) {
            assembly.ready().orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    /** A {@link TestService} on {@code dsn}, ready. */
    static ServiceFixture test(String name, String dsn) {
        return new ServiceFixture(name, new TestService(name), dsn, Map.of(), true);
    }

    /** A {@link TestService} with a cap on calls in flight, ready. */
    static ServiceFixture test(String name, String dsn, int maxInFlight) {
        return new ServiceFixture(name, new TestService(name), dsn, Map.of("max_in_flight", maxInFlight), true);
    }

    RpcClient client() {
        return assembly.client();
    }

    TestService testService() {
        return (TestService) service;
    }

    int pendingCalls() {
        return assembly.pendingCalls();
    }

    int inFlight() {
        return assembly.inFlight();
    }

    boolean isConnected() {
        return assembly.transport().isConnected();
    }

    String transportDescription() {
        return assembly.transport().description();
    }

    /** Waits until the transport failed at least {@code count} more connection attempts than {@code since}. */
    void awaitFailedAttempts(int since, int count, Duration within) {
        Awaitility.await().atMost(within).until(() -> failedAttempts.get() >= since + count);
    }

    /** Connection attempts failed so far. */
    int failedAttempts() {
        return failedAttempts.get();
    }

    @Override
    public void close() {
        assembly.stop();
    }
}
