package org.rockstat.band.internal.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.rockstat.band.config.Settings;
import org.rockstat.band.fixtures.HttpProbe;
import org.rockstat.band.internal.registry.ServiceModel;
import org.rockstat.band.internal.runtime.ServiceAssembly;
import org.rockstat.band.method.MethodHandler;
import org.rockstat.band.method.MethodSpec;

/**
 * A real Band service on {@code 127.0.0.1}, an ephemeral port and a private in-memory bus, over
 * annotated services and plain-code methods, with an HTTP client to call it: for tests that want
 * to see what a browser or curl would see. Always close it.
 *
 * <pre>{@code
 * try (TestHttpServer http = TestHttpServer.of(new MyService())) {
 *     assertThat(http.get("/hello/ann").status()).isEqualTo(200);
 * }
 * }</pre>
 */
final class TestHttpServer extends HttpProbe {
    private static final AtomicLong BUSES = new AtomicLong();
    private final ServiceAssembly service;

    private TestHttpServer(ServiceAssembly service) {
        super(URI.create("http://127.0.0.1:" + service.httpPort()));
        this.service = service;
    }

    /** A server over annotated service instances (or classes with static methods), default settings. */
    static TestHttpServer of(Object... services) {
        Builder builder = builder();
        for (Object service : services) {
            builder.service(service);
        }
        return builder.start();
    }

    /** A builder for services, plain-code methods and settings. */
    static Builder builder() {
        return new Builder();
    }

    /** Stops the service. */
    @Override
    public void close() {
        try {
            service.stop();
        } finally {
            super.close();
        }
    }

    /** Collects what the server serves. */
    static final class Builder {
        private final List<Object> services = new ArrayList<>();
        private final List<Consumer<ServiceModel.Builder>> methods = new ArrayList<>();
        private final Map<String, Object> settings = new LinkedHashMap<>(Map.of("name", "test"));

        private Builder() {}

        /** An annotated service instance, or a class with static annotated methods. */
        Builder service(Object service) {
            services.add(service);
            return this;
        }

        /** A plain-code method. */
        Builder method(MethodSpec spec, MethodHandler handler) {
            methods.add(b -> b.method(spec, handler));
            return this;
        }

        /** A top-level setting ({@code http: {max_body: 100}}...). */
        Builder setting(String key, Object value) {
            settings.put(key, value);
            return this;
        }

        /** Starts the service. */
        TestHttpServer start() {
            Map<String, Object> all = new LinkedHashMap<>(settings);
            all.put("listen", "127.0.0.1:0");
            all.putIfAbsent("redis_dsn", "memory://test-http-" + BUSES.incrementAndGet());
            return new TestHttpServer(ServiceAssembly.start(Settings.of(all), List.of(), services, methods));
        }
    }
}
