package org.rockstat.band.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Listener;
import org.rockstat.band.call.CallContext;
import org.rockstat.band.call.Event;
import org.rockstat.band.call.Response;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.config.RuntimeConfig;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.metrics.BandMetrics;
import org.rockstat.band.internal.registry.ServiceModel;
import org.rockstat.band.internal.status.StatusMethod;
import org.rockstat.band.internal.trace.CallScope;
import org.rockstat.band.internal.trace.Trace;
import org.rockstat.band.method.MethodSpec;

/** The transport-agnostic dispatcher: results, errors, timeouts, the in-flight cap, broadcast. */
class DispatcherTest {
    // not front: front's 200 ms wait would move a running call out of the count the tests look at
    private static final CallContext CTX = new CallContext("caller", "1", "m", "memory");
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private Dispatcher dispatcher;

    public final class Service {
        @Handler
        public Object ok() {
            return Map.of("ok", true);
        }

        @Handler
        public Object boom() {
            throw new IllegalStateException("database is down");
        }

        @Handler
        public Object nomessage() {
            throw new NullPointerException();
        }

        @Handler
        public Object typed() {
            return Response.error("bad campaign", 404);
        }

        @Handler
        public CompletableFuture<String> async() {
            return CompletableFuture.supplyAsync(() -> "later");
        }

        @Handler
        public CompletableFuture<String> asyncFail() {
            return CompletableFuture.failedFuture(new RuntimeException("async boom"));
        }

        @Handler(timeout = 100)
        public Object slow() {
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                Thread.currentThread().interrupt();
            }
            return null;
        }

        @Handler
        public Object block() throws InterruptedException {
            release.await();
            return "released";
        }

        @Listener
        public void all(Event e) {
            heard.add("all:" + e.key());
        }

        @Listener(keys = "in.gen.track")
        public void tracks(Event e) {
            heard.add("tracks:" + e.key());
        }
    }

    private Dispatcher dispatcher(int cap) {
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "svc")))
                .system(StatusMethod.SPEC, m -> new StatusMethod("svc", m, Clock.systemUTC()))
                .service(new Service())
                .method(MethodSpec.exposed("lambda"), call -> call.params().string("x") + "!")
                .build();
        dispatcher = new Dispatcher(model, Dispatcher.Options.defaults().withMaxRunning(cap));
        return dispatcher;
    }

    @AfterEach
    void close() {
        release.countDown();
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    private static ObjectNode params(String json) throws Exception {
        return (ObjectNode) Json.mapper().readTree(json);
    }

    private static RpcException failure(CompletableFuture<Object> future) throws Exception {
        try {
            future.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(RpcException.class);
            return (RpcException) e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void theDefaultOptionsAreTheConfigurationsDefaults() {
        Dispatcher.Options options = Dispatcher.Options.defaults();
        RuntimeConfig.Rpc rpc = RuntimeConfig.Rpc.defaults();
        assertThat(options.limits())
                .isEqualTo(new Dispatcher.Limits(rpc.maxInFlight(), rpc.maxQueued(), rpc.maxAbandoned()));
        assertThat(options.production()).isFalse();
        assertThat(options.logCalls()).isFalse();
        assertThat(options.metrics()).isSameAs(BandMetrics.NOOP);
        assertThat(options.withMaxRunning(3).limits())
                .isEqualTo(new Dispatcher.Limits(3, rpc.maxQueued(), rpc.maxAbandoned()));
        // each with... changes its own setting only
        Dispatcher.Options all = options.withProduction(true).withLogCalls(true);
        assertThat(all.withLimits(new Dispatcher.Limits(1, 2, 3)))
                .isEqualTo(new Dispatcher.Options(
                        new Dispatcher.Limits(1, 2, 3),
                        true,
                        true,
                        BandMetrics.NOOP,
                        options.nanoClock(),
                        rpc.nonBlockingWarn()));
        assertThat(options.withNonBlockingWarn(Duration.ofMillis(3)).nonBlockingWarn())
                .isEqualTo(Duration.ofMillis(3));
    }

    @Test
    void returnsResultsFromAnnotatedAndPlainCodeMethods() throws Exception {
        Dispatcher d = dispatcher(10);
        assertThat(d.call("ok", null, CTX).get(5, TimeUnit.SECONDS)).isEqualTo(Map.of("ok", true));
        assertThat(d.call("lambda", params("{\"x\":\"hi\"}"), CTX).get(5, TimeUnit.SECONDS))
                .isEqualTo("hi!");
        assertThat(d.call("typed", null, CTX).get(5, TimeUnit.SECONDS)).isEqualTo(Response.error("bad campaign", 404));
        assertThat(d.call("async", null, CTX).get(5, TimeUnit.SECONDS)).isEqualTo("later");
    }

    @Test
    void exceptionsBecomeInternalErrorsWithTheirMessage() throws Exception {
        Dispatcher d = dispatcher(10);
        RpcException e = failure(d.call("boom", null, CTX));
        assertThat(e.code()).isEqualTo(RpcException.INTERNAL_ERROR);
        assertThat(e.getMessage()).isEqualTo("database is down");
        assertThat(failure(d.call("nomessage", null, CTX)).getMessage()).isEqualTo("NullPointerException");
        assertThat(failure(d.call("asyncFail", null, CTX)).getMessage()).isEqualTo("async boom");
    }

    @Test
    void unknownMethodsAreMethodNotFound() throws Exception {
        RpcException e = failure(dispatcher(10).call("nope", null, CTX));
        assertThat(e.code()).isEqualTo(RpcException.METHOD_NOT_FOUND);
        assertThat(e.getMessage()).isEqualTo("Method not found: nope");
    }

    @Test
    void aHandlerPastItsTimeoutIsInterruptedAndAnsweredWithTimeout() throws Exception {
        RpcException e = failure(dispatcher(10).call("slow", null, CTX));
        assertThat(e.code()).isEqualTo(RpcException.TIMEOUT);
        assertThat(e.getMessage()).isEqualTo("Method 'slow' timed out after 100 ms");
        await().atMost(Duration.ofSeconds(5)).untilTrue(interrupted);
    }

    @Test
    void onTheCallersThreadTheMethodRunsThereWithTheSameResultsAndErrors() throws Exception {
        Dispatcher d = dispatcher(10);
        AtomicBoolean sameThread = new AtomicBoolean();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                Thread me = Thread.currentThread();
                ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "svc")))
                        .method(MethodSpec.exposed("where"), call -> Thread.currentThread() == me)
                        .build();
                Dispatcher here =
                        new Dispatcher(model, Dispatcher.Options.defaults().withMaxRunning(10));
                sameThread.set(
                        Boolean.TRUE.equals(here.call("where", null, CTX, true).getNow(null)));
                here.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        caller.join(5000);
        assertThat(sameThread).isTrue();
        assertThat(d.call("ok", null, CTX, true).getNow(null)).isEqualTo(Map.of("ok", true));
        assertThat(d.call("async", null, CTX, true).get(5, TimeUnit.SECONDS)).isEqualTo("later");
        assertThat(failure(d.call("boom", null, CTX, true)).getMessage()).isEqualTo("database is down");
        assertThat(failure(d.call("nope", null, CTX, true)).code()).isEqualTo(RpcException.METHOD_NOT_FOUND);
        assertThat(d.inFlight()).isZero();
    }

    @Test
    void onTheCallersThreadATimeoutStillAnswersAndInterruptsAndTheThreadEndsClean() throws Exception {
        Dispatcher d = dispatcher(10);
        AtomicBoolean leftInterrupted = new AtomicBoolean(true);
        CompletableFuture<CompletableFuture<Object>> call = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            call.complete(d.call("slow", null, CTX, true));
            leftInterrupted.set(Thread.currentThread().isInterrupted());
        });
        RpcException e = failure(call.get(5, TimeUnit.SECONDS));
        assertThat(e.code()).isEqualTo(RpcException.TIMEOUT);
        await().atMost(Duration.ofSeconds(5)).untilTrue(interrupted);
        await().atMost(Duration.ofSeconds(5)).untilFalse(leftInterrupted);
        await().atMost(Duration.ofSeconds(5)).until(() -> d.inFlight() == 0);
    }

    private static final CallContext FRONT = new CallContext("front", "9", "block", "redis");

    private Dispatcher limited(int running, int queued, int abandoned, java.util.function.LongSupplier clock) {
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "svc")))
                .service(new Service())
                .build();
        dispatcher = new Dispatcher(
                model,
                Dispatcher.Options.defaults()
                        .withLimits(new Dispatcher.Limits(running, queued, abandoned))
                        .withNanoClock(clock));
        return dispatcher;
    }

    @Test
    void aSlowMethodFillsOnlyItsOwnBulkhead() throws Exception {
        Dispatcher d = limited(2, 1, 0, System::nanoTime);
        CompletableFuture<Object> first = d.call("block", null, CTX);
        CompletableFuture<Object> second = d.call("block", null, CTX);
        await().atMost(Duration.ofSeconds(5)).until(() -> d.inFlight() == 2);
        CompletableFuture<Object> waiting = d.call("block", null, CTX);
        RpcException e = failure(d.call("block", null, CTX));
        assertThat(e.code()).isEqualTo(RpcException.OVERLOADED);
        assertThat(e.getMessage())
                .isEqualTo("Service overloaded: block has 2 calls running and 1 waiting, try again later");
        assertThat(d.drops().count("overloaded")).isEqualTo(1);
        // every other method keeps its own capacity
        assertThat(d.call("ok", null, CTX).get(5, TimeUnit.SECONDS)).isEqualTo(Map.of("ok", true));
        assertThat(d.load()).contains(new Dispatcher.Load("Service.block", 2, 1, 0));
        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("released");
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("released");
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo("released");
        await().atMost(Duration.ofSeconds(5)).until(() -> d.inFlight() == 0);
    }

    @Test
    void notificationsWaitTheirTurnInsteadOfBeingRefused() throws Exception {
        Dispatcher d = limited(1, 100, 0, System::nanoTime);
        List<CompletableFuture<Object>> events = new java.util.ArrayList<>();
        CallContext notification = new CallContext("front", null, "broadcast", "redis");
        d.call("block", null, CTX);
        for (int i = 0; i < 50; i++) {
            events.add(d.call("broadcast", params("{\"key\":\"in.gen.track.e" + i + "\"}"), notification));
        }
        CompletableFuture.allOf(events.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(heard).hasSize(100); // both listeners, every event
        assertThat(d.drops().counts()).isEmpty();
        release.countDown();
    }

    @Test
    void aRunningFrontCallLeavesTheBulkheadWhenFrontStopsWaiting() throws Exception {
        Dispatcher d = limited(1, 10, 1, System::nanoTime);
        CompletableFuture<Object> abandoned = d.call("block", null, FRONT);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> d.load().contains(new Dispatcher.Load("Service.block", 0, 0, 1)));
        // its place is free: the next call runs while the first still does
        CompletableFuture<Object> next = d.call("block", null, CTX);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> d.load().contains(new Dispatcher.Load("Service.block", 1, 0, 1)));
        release.countDown();
        assertThat(abandoned.get(5, TimeUnit.SECONDS)).isEqualTo("released"); // its answer still goes out
        assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo("released");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> d.load().contains(new Dispatcher.Load("Service.block", 0, 0, 0)));
    }

    @Test
    void aFrontCallThatWaitedLongerThanFrontWaitsIsShedWithoutRunning() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        Dispatcher d = limited(1, 10, 0, now::get);
        CompletableFuture<Object> busy = d.call("block", null, CTX);
        await().atMost(Duration.ofSeconds(5)).until(() -> d.inFlight() == 1);
        CompletableFuture<Object> late = d.call("ok", null, FRONT);
        assertThat(late.get(5, TimeUnit.SECONDS)).isEqualTo(Map.of("ok", true)); // its own bulkhead is free
        CompletableFuture<Object> queued = d.call("block", null, FRONT);
        now.addAndGet(Duration.ofMillis(201).toNanos());
        release.countDown();
        assertThat(busy.get(5, TimeUnit.SECONDS)).isEqualTo("released");
        RpcException e = failure(queued);
        assertThat(e.code()).isEqualTo(RpcException.OVERLOADED);
        assertThat(e.getMessage()).isEqualTo("Shed: block waited 201 ms, longer than front waits");
        assertThat(d.drops().count("shed")).isEqualTo(1);
    }

    @Test
    void systemMethodsAnswerWhileEveryBulkheadIsFullAndWhileDraining() throws Exception {
        Dispatcher d = dispatcher(1);
        d.call("block", null, CTX);
        await().atMost(Duration.ofSeconds(5)).until(() -> d.inFlight() == 1);
        d.drain();
        assertThat(failure(d.call("ok", null, CTX)).code()).isEqualTo(RpcException.UNAVAILABLE);
        assertThat(d.call("__status", null, CTX).get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(d.abortAll("Service is shutting down")).isEqualTo(1);
        release.countDown();
    }

    @Test
    void inProductionAnUnexpectedFailureAnswersOnlyAnErrorId() throws Exception {
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "svc")))
                .service(new Service())
                .build();
        dispatcher = new Dispatcher(
                model,
                Dispatcher.Options.defaults()
                        .withLimits(new Dispatcher.Limits(10, 10, 10))
                        .withProduction(true));
        RpcException e = failure(dispatcher.call("boom", null, CTX));
        assertThat(e.code()).isEqualTo(RpcException.INTERNAL_ERROR);
        assertThat(e.getMessage())
                .matches("Internal error \\(id [0-9a-f]{8}\\)")
                .doesNotContain("database");
        // a deliberate error passes through unchanged
        assertThat(dispatcher.call("typed", null, CTX).get(5, TimeUnit.SECONDS))
                .isEqualTo(Response.error("bad campaign", 404));
    }

    @Test
    void broadcastReachesEveryMatchingListener() throws Exception {
        Dispatcher d = dispatcher(10);
        d.call("broadcast", params("{\"key\":\"in.gen.track.click\"}"), CTX).get(5, TimeUnit.SECONDS);
        d.call("broadcast", params("{\"key\":\"in.gen.other\"}"), CTX).get(5, TimeUnit.SECONDS);
        assertThat(heard)
                .containsExactlyInAnyOrder("all:in.gen.track.click", "tracks:in.gen.track.click", "all:in.gen.other");
    }

    @Test
    void statusCarriesTheRegister() throws Exception {
        Object status = dispatcher(10).call("__status", null, CTX).get(5, TimeUnit.SECONDS);
        String json = Json.write(status);
        assertThat(json)
                .startsWith("{\"type__\":\"data\",\"statusCode\":200,\"data\":{\"name\":\"svc\",\"app_started\":");
        assertThat(json).contains("\"app_state\":\"running\"");
        assertThat(Json.tree(status).path("data").path("register").toString())
                .isEqualTo("["
                        + "{\"method\":\"all\",\"role\":\"listener\",\"options\":{}}".replace("all", "broadcast") + ","
                        + "{\"method\":\"async\",\"role\":\"handler\",\"options\":{}},"
                        + "{\"method\":\"asyncFail\",\"role\":\"handler\",\"options\":{}},"
                        + "{\"method\":\"block\",\"role\":\"handler\",\"options\":{}},"
                        + "{\"method\":\"boom\",\"role\":\"handler\",\"options\":{}},"
                        + "{\"method\":\"nomessage\",\"role\":\"handler\",\"options\":{}},"
                        + "{\"method\":\"ok\",\"role\":\"handler\",\"options\":{}},"
                        + "{\"method\":\"slow\",\"role\":\"handler\",\"options\":{\"timeout\":100}},"
                        + "{\"method\":\"typed\",\"role\":\"handler\",\"options\":{}}]");
    }

    @Test
    void aBroadcastAnotherReplicaOwnsRunsOnlyEveryReplicaListenersAsTheCallersHop() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "svc")))
                .method(MethodSpec.listener(), call -> {
                    ran.add("once:" + CallScope.current().traceId());
                    return null;
                })
                .method(MethodSpec.listener().withEveryReplica(true), call -> {
                    ran.add("every:" + CallScope.current().traceId());
                    return null;
                })
                .build();
        dispatcher = new Dispatcher(model, Dispatcher.Options.defaults().withMaxRunning(10));
        Trace hop = Trace.continueFrom(Trace.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        CallContext notification = new CallContext("front", null, "broadcast", "redis");

        dispatcher
                .call("broadcast", params("{\"key\":\"in.gen.track\"}"), notification, false, hop, false)
                .get(5, TimeUnit.SECONDS);
        assertThat(ran).containsExactly("every:4bf92f3577b34da6a3ce929d0e0e4736");

        ran.clear();
        dispatcher
                .call("broadcast", params("{\"key\":\"in.gen.track\"}"), notification, false, hop, true)
                .get(5, TimeUnit.SECONDS);
        assertThat(ran)
                .containsExactlyInAnyOrder(
                        "once:4bf92f3577b34da6a3ce929d0e0e4736", "every:4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void durableListenersRunFromTheStreamOnlyOnceItFeedsThem() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "svc")))
                .method(MethodSpec.listener(), call -> {
                    ran.add("plain");
                    return null;
                })
                .method(MethodSpec.listener().withKeys(List.of("in.gen")).withDurable(true), call -> {
                    ran.add("durable");
                    if (call.params().node("id").asText().equals("bad")) {
                        throw new IllegalStateException("bad event");
                    }
                    return null;
                })
                .build();
        dispatcher = new Dispatcher(model, Dispatcher.Options.defaults().withMaxRunning(10));
        CallContext notification = new CallContext("front", null, "broadcast", "redis");
        assertThat(dispatcher.hasDurableListeners()).isTrue();
        assertThat(dispatcher.durableWants("in.gen.track")).isTrue();
        assertThat(dispatcher.durableWants("out.other")).isFalse();

        // no stream (the in-process bus): a durable listener is a plain one
        dispatcher
                .call("broadcast", params("{\"key\":\"in.gen.track\",\"id\":\"a\"}"), notification, false, null, true)
                .get(5, TimeUnit.SECONDS);
        assertThat(ran).containsExactlyInAnyOrder("plain", "durable");

        ran.clear();
        dispatcher.feedDurableFromStream();
        dispatcher
                .call("broadcast", params("{\"key\":\"in.gen.track\",\"id\":\"a\"}"), notification, false, null, true)
                .get(5, TimeUnit.SECONDS);
        assertThat(ran).containsExactly("plain");

        ran.clear();
        dispatcher
                .callDurable(params("{\"key\":\"in.gen.track\",\"id\":\"a\"}"), notification, null)
                .get(5, TimeUnit.SECONDS);
        assertThat(ran).containsExactly("durable");
        assertThat(failure(dispatcher.callDurable(
                                params("{\"key\":\"in.gen.track\",\"id\":\"bad\"}"), notification, null))
                        .getMessage())
                .contains("bad event");
    }

    @Test
    void aListenerIsDurableOrEveryReplicaNotBoth() {
        assertThatThrownBy(() -> MethodSpec.listener().withEveryReplica(true).withDurable(true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MethodSpec.listener().withDurable(true).withEveryReplica(true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MethodSpec.handler("x").withDurable(true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(MethodSpec.listener().withDurable(true).durable()).isTrue();
        assertThat(MethodSpec.listener().withDurable(true)).isNotEqualTo(MethodSpec.listener());
    }

    @Test
    void closedDispatcherRefusesNewCalls() throws Exception {
        Dispatcher d = dispatcher(10);
        d.close();
        assertThat(failure(d.call("ok", null, CTX)).code()).isEqualTo(RpcException.UNAVAILABLE);
    }
}
