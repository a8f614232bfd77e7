package org.rockstat.band.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.rockstat.band.NonBlockingTwins;
import org.rockstat.band.call.CallContext;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.config.Settings;
import org.rockstat.band.fixtures.HttpProbe;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.registry.ServiceModel;
import org.rockstat.band.method.MethodSpec;

/**
 * Methods declared {@code blocking = false} over a real HTTP server: they run on the Netty event
 * loop that read the request, and everything else (results, errors, production masking,
 * timeouts, the bulkhead, metrics, the access log, the call's MDC) is what a blocking method gets.
 * A run past {@code rpc.nonblocking_warn_ms} is logged, once per method per minute.
 */
class NonBlockingMethodsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(TestHttpServer http, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(http.uri(path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> getLater(TestHttpServer http, String path) {
        return HTTP.sendAsync(
                HttpRequest.newBuilder(http.uri(path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNonBlockingMethodRunsOnTheEventLoopThatReadTheRequest() throws Exception {
        NonBlockingTwins twins = new NonBlockingTwins();
        try (TestHttpServer http = TestHttpServer.of(twins)) {
            HttpProbe.Result fast = http.get("/helloFast?who=ann");
            HttpProbe.Result slow = http.get("/hello?who=ann");

            assertThat(fast.status()).isEqualTo(200);
            assertThat(fast.body()).isEqualTo(slow.body()).isEqualTo("{\"hello\":\"ann\"}");
            assertThat(fast.headers().map())
                    .containsEntry("content-type", slow.headers().allValues("content-type"));
            Thread loop = twins.fastThread.get();
            assertThat(loop.isVirtual()).isFalse();
            assertThat(loop.getName()).startsWith("band-http-");
            assertThat(loop.getName()).doesNotStartWith("band-http-accept");
            // the blocking twin is on a virtual thread of its own
            assertThat(twins.blockingThread.get().isVirtual()).isTrue();
            // the call's scope is open while it runs, on the event loop too
            assertThat(twins.fastMdc.get()).isEqualTo("helloFast");
        }
    }

    @Test
    void resultsAndErrorsAreTheBlockingTwinsAnswers() throws Exception {
        try (TestHttpServer http = TestHttpServer.of(new NonBlockingTwins())) {
            for (String[] pair : new String[][] {
                {"/hello", "/helloFast"}, // missing param: 400
                {"/fail", "/failFast"}, // an exception: 500 with its message (development)
                {"/refuse", "/refuseFast"} // an RpcException: its code's status
            }) {
                HttpProbe.Result blocking = http.get(pair[0]);
                HttpProbe.Result fast = http.get(pair[1]);
                assertThat(fast.status()).as(pair[1]).isEqualTo(blocking.status());
                assertThat(fast.body()).as(pair[1]).isEqualTo(blocking.body());
            }
            assertThat(http.get("/helloFast").body()).isEqualTo("{\"message\":\"Missing required param 'who'\"}");
            assertThat(http.get("/failFast").status()).isEqualTo(500);
            assertThat(http.get("/failFast").body()).isEqualTo("{\"message\":\"database is down\"}");
            assertThat(http.get("/refuseFast").status()).isEqualTo(400);
        }
    }

    @Test
    void productionMasksANonBlockingMethodsFailureAsAnyOther() throws Exception {
        try (TestHttpServer http = TestHttpServer.builder()
                .service(new NonBlockingTwins())
                .setting("env", "production")
                .start()) {
            HttpProbe.Result answer = http.get("/failFast");
            assertThat(answer.status()).isEqualTo(500);
            assertThat(answer.body()).matches("\\{\"message\":\"Internal error \\(id [0-9a-f]{8}\\)\"}");
        }
    }

    @Test
    void aTimeoutAnswersWithoutInterruptingTheEventLoop() throws Exception {
        NonBlockingTwins twins = new NonBlockingTwins();
        try (TestHttpServer http = TestHttpServer.of(twins)) {
            HttpResponse<String> blocking = get(http, "/never");
            HttpResponse<String> fast = get(http, "/neverFast");

            assertThat(blocking.statusCode()).isEqualTo(504);
            assertThat(blocking.body()).isEqualTo("{\"message\":\"Method 'never' timed out after 50 ms\"}");
            assertThat(fast.statusCode()).isEqualTo(504);
            assertThat(fast.body()).isEqualTo("{\"message\":\"Method 'neverFast' timed out after 50 ms\"}");
            assertThat(twins.fastThread.get().isInterrupted()).isFalse();
            // the event loop goes on serving
            assertThat(http.get("/helloFast?who=bob").body()).isEqualTo("{\"hello\":\"bob\"}");
        }
    }

    @Test
    void theBulkheadMetricsAndAccessLogCountNonBlockingCalls() throws Exception {
        NonBlockingTwins twins = new NonBlockingTwins();
        try (LogCapture access = LogCapture.of(HttpEndpoint.ACCESS_LOG);
                TestHttpServer http = TestHttpServer.builder()
                        .service(twins)
                        .setting("rpc", Map.of("max_in_flight", 1, "max_queued", 0))
                        .setting("metrics", Map.of("prometheus", true))
                        .setting("http", Map.of("access_log", true))
                        .start()) {
            // the pending stage holds heldFast's only place: the next call is refused
            CompletableFuture<HttpResponse<String>> first = getLater(http, "/heldFast");
            await().atMost(Duration.ofSeconds(10)).until(() -> running(http, "heldFast") == 1);
            HttpResponse<String> refused = get(http, "/heldFast");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body())
                    .isEqualTo("{\"message\":\"Service overloaded: heldFast has 1 calls running and 0 waiting,"
                            + " try again later\"}");
            assertThat(first).isNotDone();
            // completed by this thread: the answer is written by the event loop all the same
            twins.held.complete("released");
            assertThat(first.get(10, TimeUnit.SECONDS).body()).isEqualTo("released");
            assertThat(get(http, "/helloFast?who=ann").statusCode()).isEqualTo(200);
            assertThat(get(http, "/failFast").statusCode()).isEqualTo(500);

            String metrics = get(http, "/__metrics").body();
            assertThat(count(metrics, "heldFast", "ok")).isEqualTo(1.0);
            assertThat(count(metrics, "heldFast", "overloaded")).isEqualTo(1.0);
            assertThat(count(metrics, "helloFast", "ok")).isEqualTo(1.0);
            assertThat(count(metrics, "failFast", "error")).isEqualTo(1.0);
            String line = access.awaitMessage("GET /helloFast", Duration.ofSeconds(5));
            assertThat(line).matches("GET /helloFast -> helloFast: 200 ok in \\d+ ms");
            access.awaitMessage("GET /heldFast -> heldFast: 503 overloaded (-32001)", Duration.ofSeconds(5));
        }
    }

    @Test
    void aNonBlockingMethodThatRunsLongIsWarnedAboutOnce() throws Exception {
        try (LogCapture log = LogCapture.of(Dispatcher.class);
                TestHttpServer http = TestHttpServer.builder()
                        .method(MethodSpec.handler("stall").withBlocking(false), call -> {
                            // the broken promise under test: 30 ms on the event loop
                            Thread.sleep(30);
                            return Thread.currentThread().getName();
                        })
                        .setting("rpc", Map.of("nonblocking_warn_ms", 5))
                        .start()) {
            // the first call is not judged (cold code); the second is slow once, the third twice in a row: one line
            String loop = http.get("/stall").body();
            http.get("/stall");
            http.get("/stall");

            List<String> warnings = log.at(Level.WARN).stream()
                    .map(e -> e.getFormattedMessage())
                    .filter(m -> m.contains("blocking = false"))
                    .toList();
            assertThat(warnings).hasSize(1);
            String warning = warnings.get(0);
            long ran = Long.parseLong(warning.replaceAll(".* but ran (\\d+) ms .*", "$1"));
            assertThat(ran).isGreaterThanOrEqualTo(30);
            assertThat(warning.replace("ran " + ran + " ms", "ran N ms"))
                    .isEqualTo("Method 'stall' (handler 'stall') is declared blocking = false but ran N ms on thread "
                            + loop
                            + ", the second run in a row longer than rpc.nonblocking_warn_ms (5 ms): it holds up every"
                            + " call that thread"
                            + " serves; keep it from waiting (return a CompletionStage for work that waits) or leave"
                            + " blocking at its default (true)");
        }
    }

    @Test
    void theWarningsLineIsExactAndCountsTheRunsItStoodFor() throws Exception {
        // the dispatcher alone, its clock moved by the method: no sleep, every figure exact
        AtomicLong nanos = new AtomicLong();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger sometimes = new java.util.concurrent.atomic.AtomicInteger();
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "svc")))
                .method(MethodSpec.exposed("stall").withBlocking(false), call -> {
                    ranOn.set(Thread.currentThread());
                    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(25));
                    return "ok";
                })
                .method(MethodSpec.exposed("quick").withBlocking(false), call -> {
                    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
                    return "ok";
                })
                .method(MethodSpec.exposed("sometimes").withBlocking(false), call -> {
                    // slow every other run: a pause now and then, never twice in a row
                    if (sometimes.incrementAndGet() % 2 == 0) {
                        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(40));
                    }
                    return "ok";
                })
                .build();
        CallContext context = new CallContext("caller", "1", "stall", "memory");
        try (LogCapture log = LogCapture.of(Dispatcher.class);
                Dispatcher dispatcher = new Dispatcher(
                        model,
                        Dispatcher.Options.defaults()
                                .withNanoClock(nanos::get)
                                .withNonBlockingWarn(Duration.ofMillis(10)))) {
            for (int i = 0; i < 4; i++) {
                assertThat(dispatcher.call("stall", null, context).get(5, TimeUnit.SECONDS))
                        .isEqualTo("ok");
                // exactly at the threshold is within it
                assertThat(dispatcher.call("quick", null, context).get(5, TimeUnit.SECONDS))
                        .isEqualTo("ok");
                assertThat(dispatcher.call("sometimes", null, context).get(5, TimeUnit.SECONDS))
                        .isEqualTo("ok");
            }
            // run at once on the calling thread: no thread was started for it
            assertThat(ranOn.get()).isSameAs(Thread.currentThread());
            assertThat(log.at(Level.WARN).stream().map(e -> e.getFormattedMessage()))
                    .containsExactly("Method 'stall' (method 'stall') is declared blocking = false but ran 25 ms on"
                            + " thread " + Thread.currentThread().getName() + ", the second run in a row longer than"
                            + " rpc.nonblocking_warn_ms (10 ms): it holds up every call that thread serves; keep it"
                            + " from waiting (return a CompletionStage for work that waits) or leave blocking at its"
                            + " default (true)");
        }
    }

    @Test
    void drainAndAbortTreatANonBlockingCallAsAnyOtherAndNeverInterruptItsThread() throws Exception {
        CompletableFuture<Object> pending = new CompletableFuture<>();
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "svc")))
                .method(MethodSpec.exposed("held").withBlocking(false), call -> pending)
                .build();
        CallContext context = new CallContext("caller", "1", "held", "memory");
        try (Dispatcher dispatcher = new Dispatcher(model, Dispatcher.Options.defaults())) {
            CompletableFuture<Object> held = dispatcher.call("held", null, context);
            assertThat(dispatcher.inFlight()).isEqualTo(1);
            dispatcher.drain();
            assertThat(catchRpc(dispatcher.call("held", null, context)).getMessage())
                    .isEqualTo("Service is shutting down, try again later");
            assertThat(dispatcher.abortAll("Service stopped")).isEqualTo(1);
            RpcException aborted = catchRpc(held);
            assertThat(aborted.code()).isEqualTo(RpcException.UNAVAILABLE);
            assertThat(aborted.getMessage()).isEqualTo("Service stopped");
            // the call ran on this thread: the abort answered it and left the thread alone
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
    }

    private static RpcException catchRpc(CompletableFuture<Object> future) throws Exception {
        try {
            future.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return (RpcException) e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    /** {@code band_calls_seconds_count} of {@code method} over HTTP with {@code outcome}, 0 when absent. */
    private static double count(String metrics, String method, String outcome) {
        return metrics.lines()
                .filter(l -> l.startsWith("band_calls_seconds_count{"))
                .filter(l -> l.contains("method=\"" + method + "\"")
                        && l.contains("outcome=\"" + outcome + "\"")
                        && l.contains("transport=\"http\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static double running(TestHttpServer http, String method) throws Exception {
        return get(http, "/__metrics")
                .body()
                .lines()
                .filter(l -> l.startsWith("band_bulkhead_running{") && l.contains("method=\"" + method + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
