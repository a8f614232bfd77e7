package org.rockstat.band.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.dispatch.ServiceStatus;
import org.rockstat.band.internal.http.HttpOptions;
import org.rockstat.band.internal.http.HttpServer;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.rpc.MethodHandler;
import org.rockstat.band.rpc.MethodSpec;

/**
 * A real Band HTTP endpoint on {@code 127.0.0.1} and an ephemeral port, over annotated services
 * and plain-code methods, with a {@link HttpClient} to call it: for tests of any module that
 * want to see what a browser or curl would see. Always close it (try-with-resources, or
 * {@code @AfterAll}).
 *
 * <pre>{@code
 * try (TestHttpServer http = TestHttpServer.of(new MyService())) {
 *     TestHttpServer.Result r = http.get("/hello/ann");
 *     assertThat(r.status()).isEqualTo(200);
 *     assertThat(r.bodyJson().path("greeting").asText()).isEqualTo("Hello, ann");
 * }
 * }</pre>
 */
public final class TestHttpServer extends HttpProbe {
    private final HttpServer server;
    private final Dispatcher dispatcher;
    private final ServiceModel model;

    private TestHttpServer(ServiceModel model, Dispatcher dispatcher, HttpServer server, int port) {
        super(URI.create("http://127.0.0.1:" + port));
        this.model = model;
        this.dispatcher = dispatcher;
        this.server = server;
    }

    private static TestHttpServer start(ServiceModel model, Settings settings, HttpOptions options) {
        Dispatcher dispatcher = new Dispatcher(model, new ServiceStatus(settings.name(), model, Clock.systemUTC()),
                Dispatcher.DEFAULT_MAX_IN_FLIGHT);
        HttpServer server = new HttpServer(dispatcher, model.httpRoutes(), options);
        try {
            return new TestHttpServer(model, dispatcher, server, server.start("127.0.0.1", 0));
        } catch (RuntimeException e) {
            dispatcher.close();
            throw e;
        }
    }

    /** A server over annotated service instances (or classes with static methods), default options. */
    public static TestHttpServer of(Object... services) {
        Builder builder = builder();
        for (Object service : services) {
            builder.service(service);
        }
        return builder.start();
    }

    /** A builder for services, plain-code methods, settings and options. */
    public static Builder builder() {
        return new Builder();
    }

    /** The model served. */
    public ServiceModel model() {
        return model;
    }

    /** Stops the server and the dispatcher. */
    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            dispatcher.close();
            super.close();
        }
    }

    /** Collects what the server serves. */
    public static final class Builder {
        private final List<Object> services = new ArrayList<>();
        private final List<Map.Entry<MethodSpec, MethodHandler>> methods = new ArrayList<>();
        private final Map<String, Object> settings = new LinkedHashMap<>(Map.of("name", "test"));
        private HttpOptions options;

        private Builder() {
        }

        /** An annotated service instance, or a class with static annotated methods. */
        public Builder service(Object service) {
            services.add(service);
            return this;
        }

        /** A plain-code method. */
        public Builder method(MethodSpec spec, MethodHandler handler) {
            methods.add(Map.entry(spec, handler));
            return this;
        }

        /** A setting (top-level key) for the service and for {@link HttpOptions#from}. */
        public Builder setting(String key, Object value) {
            settings.put(key, value);
            return this;
        }

        /** Options instead of the ones read from the settings. */
        public Builder options(HttpOptions value) {
            this.options = value;
            return this;
        }

        /** Builds the model and starts the server. */
        public TestHttpServer start() {
            Settings s = Settings.of(new HashMap<>(settings));
            ServiceModel.Builder model = ServiceModel.builder(s);
            services.forEach(model::service);
            methods.forEach(m -> model.method(m.getKey(), m.getValue()));
            return TestHttpServer.start(model.build(), s, options == null ? HttpOptions.from(s) : options);
        }
    }
}
