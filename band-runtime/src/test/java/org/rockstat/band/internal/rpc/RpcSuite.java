package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.call.Response;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.fixtures.Closer;

/**
 * The RPC behaviour every transport must give: one suite, run against the in-memory bus
 * ({@link MemoryRpcTest}) and real Redis ({@link RedisRpcTest}). Services call each other through
 * {@link org.rockstat.band.client.RpcClient}.
 */
abstract class RpcSuite {
    static final Duration WAIT = Duration.ofSeconds(2);

    @RegisterExtension
    final Closer open = new Closer();

    /** This suite's bus: a private in-memory one, or the test's Redis. */
    abstract String dsn();

    ServiceFixture service(String name) {
        return open.track(ServiceFixture.test(name, dsn()));
    }

    ServiceFixture service(String name, int maxInFlight) {
        return open.track(ServiceFixture.test(name, dsn(), maxInFlight));
    }

    @Test
    void plainResultsComeBackAsJavaValues() {
        service("callee");
        ServiceFixture caller = service("caller");
        assertThat(caller.client().call("callee", "add", Map.of("a", 2, "b", 3), WAIT))
                .isEqualTo(5);
        assertThat(caller.client().call("callee", "list", null, WAIT)).isEqualTo(List.of(1, "two", true));
        assertThat(caller.client().call("callee", "echo", Map.of("x", Map.of("y", 1)), WAIT))
                .isEqualTo(Map.of("x", Map.of("y", 1)));
        assertThat(caller.client().call("callee", "nothing", null, WAIT)).isNull();
        assertThat(caller.client().call("callee", "whoami", null, WAIT))
                .isEqualTo(
                        "caller/" + caller.transportDescription().split(" ")[0].replace("in-memory", "memory"));
    }

    @Test
    void recordAndNodeParamsAreSentAsObjects() {
        service("callee");
        ServiceFixture caller = service("caller");
        record Pair(int a, int b) {}
        assertThat(caller.client().call("callee", "add", new Pair(4, 5), WAIT)).isEqualTo(9);
        var node = org.rockstat.band.internal.json.Json.object().put("a", 1).put("b", 1);
        assertThat(caller.client().call("callee", "add", node, WAIT)).isEqualTo(2);
        assertThatThrownBy(() -> caller.client().call("callee", "add", List.of(1, 2), WAIT))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.INVALID_PARAMS))
                .hasMessageContaining("callee.add")
                .hasMessageContaining("JSON object");
    }

    @Test
    void typedResultsComeBackAsResponsesAndDataIsUnwrapped() {
        service("callee");
        ServiceFixture caller = service("caller");
        Map<String, Object> event =
                Map.of("key", "in.gen.callee.event", "td", Map.of("ip", "1.2.3.4"), "data", Map.of("q", "1"));
        assertThat(caller.client().call("callee", "event", event, WAIT))
                .isEqualTo(Map.of("key", "in.gen.callee.event", "ip", "1.2.3.4", "q", "1"));
        assertThat(caller.client().call("callee", "pixel", null, WAIT))
                .isEqualTo(new Response.Pixel(200, List.of(List.of("X-Pixel", "1"))));
        assertThat(caller.client().call("callee", "go", null, WAIT))
                .isEqualTo(Response.redirect("https://example.com/next?a=1"));
        assertThat(caller.client().call("callee", "fail", null, WAIT))
                .isEqualTo(Response.error("no such campaign", 404).header("X-Why", "gone"));
    }

    @Test
    void statusOverRpcListsTheRegister() {
        service("callee");
        ServiceFixture caller = service("caller");
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) caller.client().call("callee", "__status", null, WAIT);
        assertThat(status).containsEntry("name", "callee").containsEntry("app_state", "running");
        assertThat(status.get("register").toString())
                .contains(
                        "method=echo",
                        "role=handler",
                        "method=enrich",
                        "role=enricher",
                        "method=broadcast",
                        "role=listener")
                .doesNotContain("method=add");
    }

    @Test
    void remoteErrorsKeepTheirCodeAndSayWhichCall() {
        service("callee");
        ServiceFixture caller = service("caller");
        assertThatThrownBy(() -> caller.client().call("callee", "reject", null, WAIT))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.INVALID_PARAMS))
                .hasMessage("callee.reject failed: param 'x' is required (code -32602)");
        assertThatThrownBy(() -> caller.client().call("callee", "nope", null, WAIT))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.METHOD_NOT_FOUND))
                .hasMessageContaining("callee.nope failed: Method not found");
        assertThatThrownBy(() -> caller.client().call("callee", "boom", null, WAIT))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.INTERNAL_ERROR))
                .hasMessage("callee.boom failed: kaboom (code -32603)");
    }

    @Test
    void handlerTimeoutIsAnsweredAsTimeout() {
        service("callee");
        ServiceFixture caller = service("caller");
        // the callee's own answer (its 150 ms), not the caller giving up after WAIT
        assertThatThrownBy(() -> caller.client().call("callee", "slow", null, WAIT))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.TIMEOUT))
                .hasMessageContaining("callee.slow failed")
                .hasMessageContaining("timed out after 150 ms");
    }

    @Test
    void callerTimeoutWhenNobodyAnswers() {
        ServiceFixture caller = service("caller");
        // a subscriber that hears and never answers: the request reaches someone, so it waits
        org.rockstat.band.BandClient silent = open.track(org.rockstat.band.BandClient.connect("silent", dsn()));
        silent.subscribe("ghost", (channel, message) -> {})
                .ready()
                .toCompletableFuture()
                .join();
        assertThatThrownBy(() -> caller.client().call("ghost", "enrich", null, Duration.ofMillis(300)))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.TIMEOUT))
                .hasMessage("Call ghost.enrich timed out after 300 ms");
        assertThat(caller.pendingCalls()).isZero();
    }

    @Test
    void overloadedWhenAMethodsBulkheadIsFullWhileOtherMethodsAnswer() {
        ServiceFixture callee = open.track(new ServiceFixture(
                "callee", new TestService("callee"), dsn(), Map.of("max_in_flight", 2, "max_queued", 0), true));
        ServiceFixture caller = service("caller");
        callee.testService().gate = new CountDownLatch(1);
        CompletableFuture<Object> first = caller.client().request("callee", "held", null, Duration.ofSeconds(5));
        CompletableFuture<Object> second = caller.client().request("callee", "held", null, Duration.ofSeconds(5));
        await().atMost(WAIT).until(() -> callee.inFlight() == 2);
        assertThatThrownBy(() -> caller.client().call("callee", "held", null, WAIT))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.OVERLOADED))
                .hasMessageContaining("callee.held failed: Service overloaded: held has 2 calls running");
        assertThat(caller.client().call("callee", "add", Map.of("a", 1, "b", 1), WAIT))
                .isEqualTo(2);
        callee.testService().gate.countDown();
        assertThat(first.join()).isEqualTo("released");
        assertThat(second.join()).isEqualTo("released");
        assertThat(caller.client().call("callee", "add", Map.of("a", 1, "b", 1), WAIT))
                .isEqualTo(2);
    }

    @Test
    void enrichCollectsOneResultPerService() {
        service("uaparser");
        service("mmgeo");
        ServiceFixture front = service("front-like");
        Map<String, Object> results = front.client()
                .requestAll(
                        "enrich", "enrich", Map.of("ua", "Mozilla"), Set.of("uaparser", "mmgeo"), Duration.ofSeconds(2))
                .join();
        assertThat(results).containsOnlyKeys("uaparser", "mmgeo");
        assertThat(results.get("mmgeo")).isEqualTo(Map.of("by", "mmgeo", "ua", "Mozilla"));
        assertThat(front.pendingCalls()).isZero();
    }

    @Test
    void enrichCompletesWithWhatArrivedAtTheTimeout() {
        service("uaparser");
        ServiceFixture front = service("front-like");
        long started = System.nanoTime();
        Map<String, Object> results = front.client()
                .requestAll("enrich", "enrich", Map.of("ua", "x"), Set.of("uaparser", "absent"), Duration.ofMillis(300))
                .join();
        assertThat(results).containsOnlyKeys("uaparser");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
        assertThat(front.pendingCalls()).isZero();
    }

    @Test
    void broadcastReachesEveryListener() {
        ServiceFixture one = service("store1");
        ServiceFixture two = service("store2");
        ServiceFixture front = service("front-like");
        front.client().notify("broadcast", "broadcast", Map.of("key", "in.gen.track.click", "name", "click"));
        await().atMost(WAIT)
                .until(() -> !one.testService().broadcasts.isEmpty()
                        && !two.testService().broadcasts.isEmpty());
        assertThat(one.testService().broadcasts)
                .singleElement()
                .satisfies(e -> assertThat(e.key()).isEqualTo("in.gen.track.click"));
    }

    @Test
    void thousandConcurrentCallsAreAnsweredExactlyOnce() {
        ServiceFixture callee = service("callee", 2000);
        ServiceFixture caller = service("caller");
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            calls.add(caller.client().request("callee", "echo", Map.of("i", i), Duration.ofSeconds(10)));
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(calls.get(i).join()).isEqualTo(Map.of("i", i));
        }
        assertThat(caller.pendingCalls()).isZero();
        for (int i = 0; i < 1000; i++) {
            caller.client()
                    .request("callee", "count", null, Duration.ofSeconds(10))
                    .join();
        }
        assertThat(callee.testService().counted.get()).isEqualTo(1000);
    }

    @Test
    void closingFailsPendingCallsAndRefusesNewOnes() {
        ServiceFixture callee = service("callee");
        ServiceFixture caller = service("caller");
        callee.testService().gate = new CountDownLatch(1);
        CompletableFuture<Object> waiting = caller.client().request("callee", "held", null, Duration.ofSeconds(10));
        await().atMost(WAIT).until(() -> callee.inFlight() == 1);
        caller.close();
        assertThatThrownBy(waiting::join)
                .cause()
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.UNAVAILABLE))
                .hasMessage("Call callee.held failed: service is shutting down");
        assertThat(caller.pendingCalls()).isZero();
        assertThatThrownBy(() -> caller.client().call("callee", "add", null, WAIT))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.UNAVAILABLE));
        callee.testService().gate.countDown();
    }
}
