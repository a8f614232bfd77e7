package org.rockstat.band.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
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
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.rpc.CallContext;
import org.rockstat.band.rpc.Event;
import org.rockstat.band.rpc.MethodSpec;
import org.rockstat.band.rpc.Response;
import org.rockstat.band.rpc.RpcException;

/** The transport-agnostic dispatcher: results, errors, timeouts, the in-flight cap, broadcast. */
class DispatcherTest {
    private static final CallContext CTX = new CallContext("front", "1", "m", "memory");
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private Dispatcher dispatcher;

    public final class Service {
        @Handler public Object ok() { return Map.of("ok", true); }
        @Handler public Object boom() { throw new IllegalStateException("database is down"); }
        @Handler public Object nomessage() { throw new NullPointerException(); }
        @Handler public Object typed() { return Response.error("bad campaign", 404); }
        @Handler public CompletableFuture<String> async() { return CompletableFuture.supplyAsync(() -> "later"); }
        @Handler public CompletableFuture<String> asyncFail() { return CompletableFuture.failedFuture(new RuntimeException("async boom")); }
        @Handler(timeout = 100) public Object slow() {
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                Thread.currentThread().interrupt();
            }
            return null;
        }
        @Handler public Object block() throws InterruptedException { release.await(); return "released"; }
        @Listener public void all(Event e) { heard.add("all:" + e.key()); }
        @Listener(keys = "in.gen.track") public void tracks(Event e) { heard.add("tracks:" + e.key()); }
    }

    private Dispatcher dispatcher(int cap) {
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "svc"))).service(new Service())
                .method(MethodSpec.exposed("lambda"), call -> call.params().string("x") + "!").build();
        dispatcher = new Dispatcher(model, new ServiceStatus("svc", model, Clock.systemUTC()), cap);
        return dispatcher;
    }

    @AfterEach
    void close() {
        release.countDown();
        dispatcher.close();
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
    void returnsResultsFromAnnotatedAndPlainCodeMethods() throws Exception {
        Dispatcher d = dispatcher(10);
        assertThat(d.call("ok", null, CTX).get(5, TimeUnit.SECONDS)).isEqualTo(Map.of("ok", true));
        assertThat(d.call("lambda", params("{\"x\":\"hi\"}"), CTX).get(5, TimeUnit.SECONDS)).isEqualTo("hi!");
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
                        .method(MethodSpec.exposed("where"), call -> Thread.currentThread() == me).build();
                Dispatcher here = new Dispatcher(model, new ServiceStatus("svc", model, Clock.systemUTC()), 10);
                sameThread.set(Boolean.TRUE.equals(here.call("where", null, CTX, true).getNow(null)));
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

    @Test
    void overTheCapCallsAreRefusedAtOnceAndPermitsComeBack() throws Exception {
        Dispatcher d = dispatcher(2);
        CompletableFuture<Object> first = d.call("block", null, CTX);
        CompletableFuture<Object> second = d.call("block", null, CTX);
        RpcException e = failure(d.call("ok", null, CTX));
        assertThat(e.code()).isEqualTo(RpcException.OVERLOADED);
        assertThat(e.getMessage()).isEqualTo("Service overloaded: 2 calls in flight, try again later");
        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("released");
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("released");
        await().atMost(Duration.ofSeconds(5)).until(() -> d.inFlight() == 0);
        assertThat(d.call("ok", null, CTX).get(5, TimeUnit.SECONDS)).isEqualTo(Map.of("ok", true));
    }

    @Test
    void broadcastReachesEveryMatchingListener() throws Exception {
        Dispatcher d = dispatcher(10);
        d.call("broadcast", params("{\"key\":\"in.gen.track.click\"}"), CTX).get(5, TimeUnit.SECONDS);
        d.call("broadcast", params("{\"key\":\"in.gen.other\"}"), CTX).get(5, TimeUnit.SECONDS);
        assertThat(heard).containsExactlyInAnyOrder("all:in.gen.track.click", "tracks:in.gen.track.click", "all:in.gen.other");
    }

    @Test
    void statusCarriesTheRegister() throws Exception {
        Object status = dispatcher(10).call("__status", null, CTX).get(5, TimeUnit.SECONDS);
        String json = Json.write(status);
        assertThat(json).startsWith("{\"type__\":\"data\",\"statusCode\":200,\"data\":{\"name\":\"svc\",\"app_started\":");
        assertThat(json).contains("\"app_state\":\"running\"");
        assertThat(Json.tree(status).path("data").path("register").toString()).isEqualTo("["
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
    void closedDispatcherRefusesNewCalls() throws Exception {
        Dispatcher d = dispatcher(10);
        d.close();
        assertThat(failure(d.call("ok", null, CTX)).code()).isEqualTo(RpcException.UNAVAILABLE);
    }
}
