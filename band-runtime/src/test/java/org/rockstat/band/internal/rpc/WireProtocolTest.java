package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.fixtures.Closer;
import org.rockstat.band.fixtures.FrontEvent;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.fixtures.WirePeer;
import org.rockstat.band.fixtures.WirePeer.Dialect;

/** What a Band service puts on the wire, checked by raw-Lettuce peers speaking PROTOCOL.md in both dialects. */
class WireProtocolTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    static final Duration WAIT = Duration.ofSeconds(3);

    @RegisterExtension
    final Closer open = new Closer();

    private ServiceFixture service(String name, Map<String, ?> rpc) {
        return open.track(new ServiceFixture(name, new TestService(name), redis.dsn(), rpc, true));
    }

    private ServiceFixture service(String name) {
        return service(name, Map.of());
    }

    /** An event as front sends it, with the fields the assertions read. */
    private static Map<String, Object> event(String service, String name) {
        return FrontEvent.of(service, name)
                .ip("1.2.3.4")
                .ua("Mozilla/5.0 (X11; Linux x86_64)")
                .data("q", "1")
                .toMap();
    }

    @Test
    void heartbeatComesAfterTheDelayThenEveryPeriod() {
        WirePeer director = open.track(WirePeer.director(redis.dsn()));
        long started = System.nanoTime();
        service("hb", Map.of("heartbeat_delay_ms", 400, "heartbeat_every_ms", 600));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> director.heartbeatsFrom("hb").size() >= 4);
        List<Long> beats = director.heartbeatsFrom("hb");
        // beat k is sent no earlier than delay + (k-1) periods after start, so it cannot arrive
        // earlier; delivery adds jitter only later, for which a loaded machine gets wide margins
        for (int k = 0; k < 4; k++) {
            Duration since = Duration.ofNanos(beats.get(k) - started);
            Duration earliest = Duration.ofMillis(400 + 600L * k);
            assertThat(since).as("beat %d", k + 1).isBetween(earliest, earliest.plusSeconds(3));
        }
        ObjectNode beat = director.heartbeatMessages("hb").getFirst();
        assertThat(beat.toString())
                .isEqualTo(
                        "{\"jsonrpc\":\"2.0\",\"method\":\"director:__iamalive:hb\",\"params\":{\"name\":\"hb\"},\"to\":\"director\",\"from\":\"hb\"}");
    }

    @Test
    void theFirstHeartbeatGoesOutAsSoonAsTheSubscriptionIsProven() {
        WirePeer director = open.track(WirePeer.director(redis.dsn()));
        ServiceFixture service =
                open.track(new ServiceFixture("hb2", new TestService("hb2"), redis.dsn(), Map.of(), false));
        java.util.concurrent.atomic.AtomicLong readyAt = new java.util.concurrent.atomic.AtomicLong();
        service.assembly.ready().thenRun(() -> readyAt.set(System.nanoTime()));
        director.awaitHeartbeats("hb2", 1, Duration.ofSeconds(10));
        long first = director.heartbeatsFrom("hb2").getFirst();
        long ready = readyAt.get();
        assertThat(ready).as("ready before the first heartbeat").isPositive();
        // no second heartbeat period (5 s) between the proof and the beat: director learns at once
        assertThat(Duration.ofNanos(first - ready)).isLessThan(Duration.ofSeconds(2));
        assertThat(director.heartbeatsFrom("hb2")).hasSize(1);
    }

    @Test
    void statusAnswersDirectorInThePythonDialect() {
        WirePeer director = open.track(WirePeer.director(redis.dsn()));
        service("uaparser");
        ObjectNode response = director.status("uaparser", WAIT);
        assertThat(response.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(response.path("id").asText()).isEqualTo("1");
        assertThat(response.path("from").asText()).isEqualTo("uaparser");
        assertThat(response.path("to").asText()).isEqualTo("director");
        assertThat(response.has("method")).isFalse();
        ObjectNode result = (ObjectNode) response.get("result");
        assertThat(result.path("type__").asText()).isEqualTo("data");
        assertThat(result.path("statusCode").asInt()).isEqualTo(200);
        assertThat(result.path("data").path("name").asText()).isEqualTo("uaparser");
        assertThat(result.path("data").path("app_started").isNumber()).isTrue();
        assertThat(result.path("data").path("register").toString())
                .contains(
                        "{\"method\":\"enrich\",\"role\":\"enricher\",\"options\":{\"keys\":[\"in.gen.track\"],\"props\":{\"ua\":\"td.ua\"}}}")
                .contains("{\"method\":\"slow\",\"role\":\"handler\",\"options\":{\"timeout\":150}}");
    }

    @Test
    void frontHandlerCallsGetTypedResultsInBothDialects() {
        WirePeer front = open.track(WirePeer.front(redis.dsn()));
        service("debug");
        for (Dialect dialect : Dialect.values()) {
            ObjectNode typed = front.call("debug", "event", event("debug", "event"), dialect, WAIT);
            assertThat(typed.path("result").path("type__").asText()).isEqualTo("data");
            assertThat(typed.path("result").path("statusCode").asInt()).isEqualTo(200);
            assertThat(typed.path("result").path("data").path("q").asText()).isEqualTo("1");
            assertThat(typed.path("result").path("data").path("ip").asText()).isEqualTo("1.2.3.4");
            assertThat(typed.path("result").path("data").path("key").asText()).isEqualTo("in.gen.debug.event");
            assertThat(typed.path("to").asText()).isEqualTo("front");
            assertThat(typed.path("from").asText()).isEqualTo("debug");
        }
        ObjectNode pixel = front.call("debug", "pixel", event("debug", "pixel"), Dialect.NODE, WAIT);
        assertThat(pixel.get("result").toString())
                .isEqualTo("{\"type__\":\"pixel\",\"statusCode\":200,\"headers\":[[\"X-Pixel\",\"1\"]]}");
        ObjectNode redirect = front.call("debug", "go", event("debug", "go"), Dialect.NODE, WAIT);
        assertThat(redirect.get("result").toString())
                .isEqualTo(
                        "{\"type__\":\"redirect\",\"location\":\"https://example.com/next?a=1\",\"statusCode\":302}");
        ObjectNode nothing = front.call("debug", "nothing", event("debug", "nothing"), Dialect.NODE, WAIT);
        assertThat(nothing.has("result")).isTrue();
        assertThat(nothing.get("result").isNull()).isTrue();
        ObjectNode error = front.call("debug", "boom", null, Dialect.NODE, WAIT);
        assertThat(error.get("error").toString()).isEqualTo("{\"code\":-32603,\"message\":\"kaboom\"}");
        assertThat(error.has("result")).isFalse();
    }

    @Test
    void oneEnrichRequestIsAnsweredByEveryEnricher() {
        WirePeer front = open.track(WirePeer.front(redis.dsn()));
        service("uaparser");
        service("mmgeo");
        Map<String, ObjectNode> answers =
                front.enrich(Map.of("ua", "Mozilla/5.0", "ip", "1.2.3.4"), Set.of("uaparser", "mmgeo"), WAIT);
        assertThat(answers).containsOnlyKeys("uaparser", "mmgeo");
        assertThat(answers.get("mmgeo").get("result"))
                .isEqualTo(org.rockstat.band.internal.json.Json.tree(Map.of("by", "mmgeo", "ua", "Mozilla/5.0")));
        assertThat(answers.get("uaparser").path("to").asText()).isEqualTo("front");
    }

    @Test
    void broadcastFromFrontReachesEveryListenerAndIsNotAnswered() {
        WirePeer front = open.track(WirePeer.front(redis.dsn()));
        ServiceFixture one = service("store1");
        ServiceFixture two = service("store2");
        front.broadcast(event("track", "click"));
        await().atMost(WAIT)
                .until(() -> one.testService().broadcasts.size() == 1
                        && two.testService().broadcasts.size() == 1);
        assertThat(one.testService().broadcasts.peek().td("ip")).isEqualTo("1.2.3.4");
        ObjectNode ping = front.call("store1", "add", Map.of("a", 1, "b", 2), Dialect.NODE, WAIT);
        assertThat(ping.get("result").asInt()).isEqualTo(3);
        assertThat(front.received())
                .allSatisfy(r -> assertThat(r.json().path("id").asText()).isNotEmpty());
    }

    @Test
    void garbageIsAnsweredOrDroppedAndTheSubscriberKeepsWorking() {
        WirePeer front = open.track(WirePeer.front(redis.dsn()));
        service("svc", Map.of("max_message_bytes", 4096));

        front.publish("svc", "this is not json {");
        assertAlive(front);
        front.publish("svc", "[1,2,3]");
        assertAlive(front);
        front.publish("svc", "\"just a string\"");
        assertAlive(front);

        front.publish("svc", "{\"jsonrpc\":\"1.0\",\"id\":\"g1\",\"method\":\"svc:echo:front\",\"params\":{}}");
        assertError(front, "g1", -32600, "jsonrpc");
        front.publish("svc", "{\"id\":\"g1b\",\"method\":\"echo\",\"params\":{},\"to\":\"svc\",\"from\":\"front\"}");
        assertError(front, "g1b", -32600, "jsonrpc");
        front.publish("svc", "{\"jsonrpc\":\"2.0\",\"id\":\"g2\",\"method\":\"svc:echo:front\",\"params\":[1,2]}");
        assertError(front, "g2", -32602, "by-position");
        front.publish("svc", "{\"jsonrpc\":\"2.0\",\"id\":\"g3\",\"method\":\"svc:nope:front\",\"params\":{}}");
        assertError(front, "g3", -32601, "nope");
        front.publish(
                "svc",
                "{\"jsonrpc\":\"2.0\",\"id\":\"g4\",\"method\":\"svc:echo:front\",\"params\":{\"pad\":\""
                        + "x".repeat(5000) + "\"}}");
        assertError(front, "g4", -32600, "exceeds the limit of 4096 bytes");
        front.publish("svc", "{\"jsonrpc\":\"2.0\",\"id\":\"g5\",\"method\":\"svc:echo:front\",\"params\":\"text\"}");
        assertError(front, "g5", -32602, "expected an object");
        front.publish("svc", "{\"jsonrpc\":\"2.0\",\"id\":\"g6\",\"params\":{},\"from\":\"front\",\"to\":\"svc\"}");
        assertError(front, "g6", -32600, "no method");

        front.publish("svc", "{\"jsonrpc\":\"2.0\",\"id\":\"g7\",\"method\":\"other:echo:front\",\"params\":{}}");
        front.publish(
                "svc",
                "{\"jsonrpc\":\"2.0\",\"id\":\"g8\",\"method\":\"echo\",\"params\":{},\"to\":\"other\",\"from\":\"front\"}");
        front.publish("svc", "{\"jsonrpc\":\"2.0\",\"id\":\"unknown-id\",\"result\":42,\"from\":\"x\",\"to\":\"svc\"}");
        front.publish("svc", "{\"jsonrpc\":\"2.0\",\"id\":\"g9\",\"method\":\"svc:echo:front\",\"params\":null}");
        assertThat(front.awaitResponse("g9", WAIT).get("result").toString()).isEqualTo("{}");
        assertAlive(front);
        assertThat(front.responses("g7")).isEmpty();
        assertThat(front.responses("g8")).isEmpty();
        assertThat(front.received()).noneSatisfy(r -> assertThat(r.raw()).contains("\tat ", "Exception"));
    }

    private static void assertAlive(WirePeer front) {
        ObjectNode response = front.call("svc", "add", Map.of("a", 20, "b", 22), Dialect.PYTHON, WAIT);
        assertThat(response.get("result").asInt()).isEqualTo(42);
    }

    private static void assertError(WirePeer front, String id, int code, String messagePart) {
        ObjectNode response = front.awaitResponse(id, WAIT);
        assertThat(response.path("error").path("code").asInt())
                .as(response.toString())
                .isEqualTo(code);
        assertThat(response.path("error").path("message").asText()).contains(messagePart);
        assertThat(response.path("error").has("data")).isFalse();
        assertThat(response.path("from").asText()).isEqualTo("svc");
        assertThat(response.path("to").asText()).isEqualTo("front");
        assertAlive(front);
    }
}
