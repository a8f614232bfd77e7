package org.rockstat.band.internal.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.rockstat.band.call.CallContext;
import org.rockstat.band.internal.concurrent.Futures;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's HTTP endpoint without the network (PROTOCOL §5): method check, CORS preflight,
 * Band's own routes ({@link BandRoutes}: health), route, params, dispatch and rendering, request
 * in, {@link ResponseRenderer.Rendered} out.
 * The connection layer ({@code internal.http.netty}) only moves bytes, keeps answers in order and
 * manages keep-alive; tests call this class directly, without sockets.
 *
 * <p>{@code GET /__metrics} is Band's, checked before the user's routes: the Prometheus text when
 * {@code metrics.prometheus} is on, 404 when it is off (never a user's wildcard handler).
 *
 * <pre>{@code
 * HttpEndpoint endpoint = new HttpEndpoint(dispatcher, HttpRoutes.of(model), new CorsPolicy(List.of("*")));
 * Rendered answer = endpoint.handle(HttpExchange.of("GET", "/hello?name=ann")).join();
 * }</pre>
 */
public final class HttpEndpoint {
    /** Methods served; anything else is 405. */
    public static final String ALLOW = "GET, POST, HEAD, OPTIONS";

    /** Where Prometheus scrapes. */
    public static final String METRICS_PATH = "/__metrics";
    /** The Prometheus text format's content type. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final Dispatcher dispatcher;
    private final HttpRouter router;
    private final BandRoutes own;
    private final CorsPolicy cors;
    private final Supplier<String> metrics;

    /** An endpoint over {@code routes}, calling {@code dispatcher}, with none of Band's own routes. */
    public HttpEndpoint(Dispatcher dispatcher, List<HttpRoute> routes, CorsPolicy cors) {
        this(dispatcher, routes, BandRoutes.none(), cors);
    }

    /** An endpoint over {@code routes} calling {@code dispatcher}, and Band's {@code own} routes. */
    public HttpEndpoint(Dispatcher dispatcher, List<HttpRoute> routes, BandRoutes own, CorsPolicy cors) {
        this(dispatcher, routes, own, cors, null);
    }

    /**
     * Like {@link #HttpEndpoint(Dispatcher, List, BandRoutes, CorsPolicy)}; {@code metrics} answers
     * {@code /__metrics} ({@code null}: 404).
     */
    public HttpEndpoint(
            Dispatcher dispatcher, List<HttpRoute> routes, BandRoutes own, CorsPolicy cors, Supplier<String> metrics) {
        this.dispatcher = dispatcher;
        this.router = new HttpRouter(routes);
        this.own = own;
        this.cors = cors;
        this.metrics = metrics;
    }

    /**
     * The answer to one request. Refusals (404, 405, 400) complete at once; a call completes
     * where the method finished (a virtual thread), so rendering JSON stays off the event loop.
     */
    public CompletableFuture<ResponseRenderer.Rendered> handle(HttpExchange request) {
        String path = new QueryStringDecoder(request.uri()).rawPath();
        String line = request.method() + " " + path;
        switch (request.method()) {
            case "OPTIONS" -> {
                return CompletableFuture.completedFuture(new ResponseRenderer.Rendered(
                        204, null, cors.preflight(request.origin(), request.requestedHeaders()), new byte[0]));
            }
            case "GET", "POST", "HEAD" -> {}
            default -> {
                return done(
                        request,
                        ResponseRenderer.error(405, "Method not allowed: " + line)
                                .withHeader("Allow", ALLOW));
            }
        }
        if (METRICS_PATH.equals(path)) {
            return metrics(request, line);
        }
        Optional<Function<HttpExchange, ResponseRenderer.Rendered>> band = own.find(path);
        if (band.isPresent()) {
            if (request.method().equals("POST")) {
                return done(
                        request,
                        ResponseRenderer.error(405, "Method not allowed: " + line)
                                .withHeader("Allow", BandRoutes.ALLOW));
            }
            return done(request, band.get().apply(request));
        }
        Optional<HttpRouter.Match> match;
        ObjectNode params;
        try {
            match = router.match(path);
            if (match.isEmpty()) {
                return done(request, ResponseRenderer.error(404, "Not found: " + line));
            }
            params = RequestParams.from(
                    request.uri(),
                    request.contentType(),
                    request.body(),
                    match.get().params());
        } catch (HttpProblem problem) {
            return done(request, ResponseRenderer.error(problem.status(), problem.getMessage()));
        } catch (IllegalArgumentException e) {
            return done(request, ResponseRenderer.error(400, "Malformed URL: " + e.getMessage()));
        }
        String name = match.get().route().method();
        CallContext context = new CallContext("http", "http-" + Long.toString(IDS.incrementAndGet(), 36), name, "http");
        CompletableFuture<Object> call;
        try {
            call = dispatcher.call(name, params, context);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handle((value, error) -> withCors(request.origin(), render(name, value, error)));
    }

    /** The Prometheus text, made on a virtual thread: the JVM's gauges are not read on the event loop. */
    private CompletableFuture<ResponseRenderer.Rendered> metrics(HttpExchange request, String line) {
        if (metrics == null) {
            return done(request, ResponseRenderer.error(404, "Not found: " + line));
        }
        if (request.method().equals("POST")) {
            return done(
                    request,
                    ResponseRenderer.error(405, "Method not allowed: " + line).withHeader("Allow", "GET, HEAD"));
        }
        CompletableFuture<ResponseRenderer.Rendered> answer = new CompletableFuture<>();
        Thread.ofVirtual().name("band-metrics-scrape").start(() -> {
            try {
                answer.complete(new ResponseRenderer.Rendered(
                        200,
                        PROMETHEUS_TEXT,
                        List.of(List.of("Cache-Control", "no-store")),
                        metrics.get().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (RuntimeException e) {
                log.warn("Metrics scrape failed: {}", e.toString());
                answer.complete(ResponseRenderer.error(500, "Metrics scrape failed"));
            }
        });
        return answer;
    }

    /** An answer the connection layer gives by itself (malformed request, body too large), with CORS. */
    public ResponseRenderer.Rendered refuse(int status, String message, String origin) {
        return withCors(origin, ResponseRenderer.error(status, message));
    }

    private CompletableFuture<ResponseRenderer.Rendered> done(HttpExchange request, ResponseRenderer.Rendered answer) {
        return CompletableFuture.completedFuture(withCors(request.origin(), answer));
    }

    private ResponseRenderer.Rendered withCors(String origin, ResponseRenderer.Rendered answer) {
        List<List<String>> extra = cors.headers(origin);
        if (extra.isEmpty()) {
            return answer;
        }
        List<List<String>> headers = new ArrayList<>(answer.headers());
        headers.addAll(extra);
        return answer.withHeaders(headers);
    }

    private static ResponseRenderer.Rendered render(String method, Object value, Throwable error) {
        if (error != null) {
            return ResponseRenderer.failure(Futures.unwrap(error));
        }
        try {
            return ResponseRenderer.result(value);
        } catch (RuntimeException e) {
            log.warn("Result of method '{}' cannot be written as JSON: {}", method, e.toString());
            return ResponseRenderer.error(500, "Result of method '" + method + "' cannot be written as JSON");
        }
    }
}
