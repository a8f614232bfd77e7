package org.rockstat.band.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A small HTTP/1.1 client bound to one service's base URI, for tests: {@code get}, {@code post}
 * (JSON), {@code postForm}, and the answer as a {@link Result} with its body as text or JSON.
 *
 * <pre>{@code
 * HttpProbe http = new HttpProbe(URI.create("http://127.0.0.1:" + band.httpPort()));
 * assertThat(http.get("/main").bodyJson().path("loaded").asBoolean()).isTrue();
 * }</pre>
 */
public class HttpProbe implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI baseUri;
    private final HttpClient client;

    /** A client for the service at {@code baseUri}. */
    public HttpProbe(URI baseUri) {
        this.baseUri = baseUri;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A client for a service listening on 127.0.0.1:{@code port}. */
    public static HttpProbe local(int port) {
        return new HttpProbe(URI.create("http://127.0.0.1:" + port));
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI baseUri() {
        return baseUri;
    }

    /** The absolute URI of a path ({@code /hello?x=1}). */
    public URI uri(String path) {
        return baseUri.resolve(path);
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
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Body is not JSON: " + body, e);
            }
        }

        /** The first value of a header, or {@code null}. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /** Releases the client. */
    @Override
    public void close() {
        client.shutdownNow();
    }
}
