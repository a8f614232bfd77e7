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
public final class TestHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final Dispatcher dispatcher;
    private final ServiceModel model;
    private final URI baseUri;
    private final HttpClient client;

    private TestHttpServer(ServiceModel model, Settings settings, HttpOptions options) {
        this.model = model;
        this.dispatcher = new Dispatcher(model, new ServiceStatus(settings.name(), model, Clock.systemUTC()),
                Dispatcher.DEFAULT_MAX_IN_FLIGHT);
        this.server = new HttpServer(dispatcher, model.httpRoutes(), options);
        int port;
        try {
            port = server.start("127.0.0.1", 0);
        } catch (RuntimeException e) {
            dispatcher.close();
            throw e;
        }
        this.baseUri = URI.create("http://127.0.0.1:" + port);
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
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

    /** {@code http://127.0.0.1:<port>}. */
    public URI baseUri() {
        return baseUri;
    }

    /** The absolute URI of a path ({@code /hello?x=1}). */
    public URI uri(String path) {
        return baseUri.resolve(path);
    }

    /** The model served. */
    public ServiceModel model() {
        return model;
    }

    /** The HTTP/1.1 client the helpers use, for requests they do not cover. */
    public HttpClient client() {
        return client;
    }

    /** {@code GET path}. */
    public Result get(String path) {
        return send(request(path).GET().build());
    }

    /** {@code GET path} with extra headers (name, value, name, value...). */
    public Result get(String path, String... headers) {
        return send(request(path).headers(headers).GET().build());
    }

    /** {@code POST path} with a JSON body. */
    public Result post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** {@code POST path} with a form body ({@code application/x-www-form-urlencoded}). */
    public Result postForm(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A request builder for {@code path} with a 10 s timeout. */
    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
    }

    /** Sends any request with this server's client. */
    public Result send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Result(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling " + request.uri(), e);
        }
    }

    /** Stops the server and the dispatcher. */
    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            dispatcher.close();
            client.shutdownNow();
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * One answer.
     *
     * @param status  HTTP status
     * @param headers response headers
     * @param body    body as UTF-8 text
     */
    public record Result(int status, HttpHeaders headers, String body) {
        /** The body parsed as JSON. */
        public JsonNode bodyJson() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Body is not JSON: " + body, e);
            }
        }

        /** The first value of a header, or {@code null}. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
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
            return new TestHttpServer(model.build(), s, options == null ? HttpOptions.from(s) : options);
        }
    }
}
