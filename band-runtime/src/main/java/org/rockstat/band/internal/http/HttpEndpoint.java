package org.rockstat.band.internal.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.rockstat.band.call.CallContext;
import org.rockstat.band.internal.concurrent.Futures;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.report.WireText;
import org.rockstat.band.internal.trace.CallScope;
import org.rockstat.band.internal.trace.Trace;
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
 * <p>Every request gets a call id ({@code http-<n>}) and a hop of the trace its
 * {@code traceparent} header names (a new trace without one); with the access log on, each
 * answer is one INFO line on {@code org.rockstat.band.access} carrying both:
 * {@code GET /hello -> hello: 200 ok in 3 ms}.
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
    /** The access log's logger: one line per request when {@code http.access_log} is on. */
    public static final String ACCESS_LOG = "org.rockstat.band.access";

    private static final Logger accessLog = LoggerFactory.getLogger(ACCESS_LOG);
    private static final AtomicLong IDS = new AtomicLong();

    private final Dispatcher dispatcher;
    private final HttpRouter router;
    private final BandRoutes own;
    private final CorsPolicy cors;
    private final Supplier<String> metrics;
    private final boolean logAccess;

    /** An endpoint over {@code routes}, calling {@code dispatcher}, with none of Band's own routes. */
    public HttpEndpoint(Dispatcher dispatcher, List<HttpRoute> routes, CorsPolicy cors) {
        this(dispatcher, routes, BandRoutes.none(), cors, null, false);
    }

    /** An endpoint over {@code routes} calling {@code dispatcher}, and Band's {@code own} routes. */
    public HttpEndpoint(Dispatcher dispatcher, List<HttpRoute> routes, BandRoutes own, CorsPolicy cors) {
        this(dispatcher, routes, own, cors, null, false);
    }

    /**
     * Like {@link #HttpEndpoint(Dispatcher, List, BandRoutes, CorsPolicy)}; {@code metrics} answers
     * {@code /__metrics} ({@code null}: 404); {@code logAccess}: the access log.
     */
    public HttpEndpoint(
            Dispatcher dispatcher,
            List<HttpRoute> routes,
            BandRoutes own,
            CorsPolicy cors,
            Supplier<String> metrics,
            boolean logAccess) {
        this.dispatcher = dispatcher;
        this.router = new HttpRouter(routes);
        this.own = own;
        this.cors = cors;
        this.metrics = metrics;
        this.logAccess = logAccess;
    }

    /**
     * The answer to one request. Refusals (404, 405, 400) complete at once; a call completes
     * where the method finished (a virtual thread), so rendering JSON stays off the event loop;
     * a method declared non-blocking runs, and its answer is rendered, on the calling thread
     * (the event loop), and the answer is complete when this returns.
     */
    public CompletableFuture<ResponseRenderer.Rendered> handle(HttpExchange request) {
        if (!logAccess) {
            return answer(request, null, null).thenApply(Answered::rendered);
        }
        long begin = System.nanoTime();
        String id = nextId();
        Trace trace = Trace.continueFrom(Trace.parse(request.traceparent()));
        return answer(request, id, trace).thenApply(answered -> {
            logAccess(request, id, trace, begin, answered);
            return answered.rendered();
        });
    }

    /**
     * An answer and, for the access log, the method that gave it ({@code null}: none did) and
     * what it failed with ({@code null}: it did not).
     */
    private record Answered(ResponseRenderer.Rendered rendered, String method, Throwable failure) {}

    private static String nextId() {
        return "http-" + Long.toString(IDS.incrementAndGet(), 36);
    }

    private CompletableFuture<Answered> answer(HttpExchange request, String givenId, Trace givenTrace) {
        String path = new QueryStringDecoder(request.uri()).rawPath();
        String line = request.method() + " " + path;
        switch (request.method()) {
            case "OPTIONS" -> {
                return done(new ResponseRenderer.Rendered(
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
            return metrics(request, line).thenApply(rendered -> new Answered(rendered, null, null));
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
        String id = givenId == null ? nextId() : givenId;
        Trace trace = givenTrace == null ? Trace.continueFrom(Trace.parse(request.traceparent())) : givenTrace;
        CallContext context = new CallContext(Dispatcher.HTTP, id, name, Dispatcher.HTTP);
        CompletableFuture<Object> call;
        try {
            call = dispatcher.call(name, params, context, false, trace);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handle((value, error) -> new Answered(
                withCors(request.origin(), render(name, value, error)),
                name,
                error == null ? null : Futures.unwrap(error)));
    }

    /** {@code GET /hello -> hello: 200 ok in 3 ms}; a request no method took: {@code GET /x: 404 in 0 ms}. */
    private static void logAccess(HttpExchange request, String id, Trace trace, long begin, Answered answered) {
        String path = new QueryStringDecoder(request.uri()).rawPath();
        CallScope scope = CallScope.open(CallScope.Labels.call(id, Dispatcher.HTTP, answered.method(), null, trace));
        try {
            accessLog.info(
                    "{} {}{}: {}{} in {} ms",
                    request.method(),
                    WireText.of(path),
                    answered.method() == null ? "" : " -> " + WireText.escape(answered.method(), WireText.LIMIT),
                    answered.rendered().status(),
                    answered.method() == null ? "" : " " + Dispatcher.outcome(answered.failure()),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        } finally {
            scope.close();
        }
    }

    /** The Prometheus text, made on a virtual thread: the JVM's gauges are not read on the event loop. */
    private CompletableFuture<ResponseRenderer.Rendered> metrics(HttpExchange request, String line) {
        if (metrics == null) {
            return CompletableFuture.completedFuture(
                    withCors(request.origin(), ResponseRenderer.error(404, "Not found: " + line)));
        }
        if (request.method().equals("POST")) {
            return CompletableFuture.completedFuture(withCors(
                    request.origin(),
                    ResponseRenderer.error(405, "Method not allowed: " + line).withHeader("Allow", "GET, HEAD")));
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

    private CompletableFuture<Answered> done(HttpExchange request, ResponseRenderer.Rendered answer) {
        return done(withCors(request.origin(), answer));
    }

    private static CompletableFuture<Answered> done(ResponseRenderer.Rendered answer) {
        return CompletableFuture.completedFuture(new Answered(answer, null, null));
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
