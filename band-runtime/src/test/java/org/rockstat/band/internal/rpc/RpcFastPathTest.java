package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.NonBlockingTwins;
import org.rockstat.band.RunningService;
import org.rockstat.band.TestServices;
import org.rockstat.band.annotation.Listener;
import org.rockstat.band.call.Event;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.fixtures.Closer;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.fixtures.WirePeer;
import org.rockstat.band.fixtures.WirePeer.Dialect;

/**
 * The RPC fast path over a real redis-server: a call of a method declared {@code blocking = false}
 * runs on the Lettuce event loop that read the message, and is answered as its blocking twin is.
 * Everything else (blocking methods, messages over {@link RpcEndpoint#PARSE_ON_ARRIVAL_BYTES},
 * responses to our own calls) still runs on a virtual thread, and garbage read on the event loop
 * is dropped there without stopping the subscriber.
 */
class RpcFastPathTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @RegisterExtension
    final Closer open = new Closer();

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A service whose only listener does not block: broadcasts take the fast path too. */
    public static final class Counting {
        final List<Thread> threads = new CopyOnWriteArrayList<>();

        @Listener(blocking = false)
        public void count(Event event) {
            threads.add(Thread.currentThread());
        }
    }

    private RunningService start(String name, Object service) throws Exception {
        RunningService band = open.track(TestServices.start(name, redis.dsn(), service));
        band.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return band;
    }

    /** Each test's twins (a new instance per test). */
    private final NonBlockingTwins twins = new NonBlockingTwins();

    /** {@link #twins} running as service {@code twins}, and front to call it. */
    private WirePeer startTwins() throws Exception {
        start("twins", twins);
        return open.track(WirePeer.front(redis.dsn()));
    }

    private static ObjectNode withoutId(ObjectNode response) {
        ObjectNode copy = response.deepCopy();
        copy.remove("id");
        return copy;
    }

    @Test
    void aNonBlockingMethodRunsOnTheEventLoopThatReadTheMessage() throws Exception {
        WirePeer front = startTwins();

        ObjectNode fast = front.call("twins", "helloFast", Map.of("who", "ann"), Dialect.NODE, WAIT);
        ObjectNode slow = front.call("twins", "hello", Map.of("who", "ann"), Dialect.NODE, WAIT);

        assertThat(fast.path("result").toString()).isEqualTo("{\"hello\":\"ann\"}");
        assertThat(fast.path("from").asText()).isEqualTo("twins");
        assertThat(fast.path("to").asText()).isEqualTo("front");
        assertThat(fast.path("id").asText()).isNotEqualTo(slow.path("id").asText());
        assertThat(withoutId(fast)).isEqualTo(withoutId(slow));
        Thread loop = twins.fastThread.get();
        assertThat(loop.isVirtual()).isFalse();
        assertThat(loop.getName()).startsWith("lettuce-");
        assertThat(twins.blockingThread.get().isVirtual()).isTrue();
    }

    @Test
    void errorsTimeoutsAndLateAnswersAreTheBlockingTwinsAnswers() throws Exception {
        WirePeer front = startTwins();

        ObjectNode refusedFast = front.call("twins", "refuseFast", null, Dialect.PYTHON, WAIT);
        ObjectNode refused = front.call("twins", "refuse", null, Dialect.PYTHON, WAIT);
        assertThat(refusedFast.path("error").path("code").asInt()).isEqualTo(RpcException.INVALID_PARAMS);
        assertThat(refusedFast.path("error")).isEqualTo(refused.path("error"));

        ObjectNode missing = front.call("twins", "helloFast", null, Dialect.PYTHON, WAIT);
        assertThat(missing.path("error").path("code").asInt()).isEqualTo(RpcException.INVALID_PARAMS);
        assertThat(missing.path("error"))
                .isEqualTo(
                        front.call("twins", "hello", null, Dialect.PYTHON, WAIT).path("error"));

        ObjectNode timedOut = front.call("twins", "neverFast", null, Dialect.PYTHON, WAIT);
        assertThat(timedOut.path("error").path("code").asInt()).isEqualTo(RpcException.TIMEOUT);
        // the abandoned call ends (a stop would wait for it), and nothing more is answered
        twins.late.complete("too late");

        // a stage completed later, on another thread, is answered from there
        String id = front.request("twins", "heldFast", null, Dialect.PYTHON);
        assertThat(twins.heldRan.get(10, TimeUnit.SECONDS).isVirtual()).isFalse();
        assertThat(front.responses(id)).isEmpty();
        twins.held.complete("late");
        assertThat(front.awaitResponse(id, WAIT).path("result").asText()).isEqualTo("late");
    }

    @Test
    void aMessageOverTheParseOnArrivalSizeRunsOnAVirtualThread() throws Exception {
        WirePeer front = startTwins();
        String large = "x".repeat(RpcEndpoint.PARSE_ON_ARRIVAL_BYTES);

        ObjectNode answer = front.call("twins", "helloFast", Map.of("who", large), Dialect.NODE, WAIT);

        assertThat(answer.path("result").path("hello").asText()).isEqualTo(large);
        // still a non-blocking method: it runs on the thread that has the message, here its own
        assertThat(twins.fastThread.get().isVirtual()).isTrue();
    }

    @Test
    void garbageReadOnTheEventLoopIsDroppedAndTheServiceGoesOnAnswering() throws Exception {
        WirePeer front = startTwins();
        try (LogCapture log = LogCapture.of(RpcEndpoint.class)) {
            front.publish("twins", "{\"jsonrpc\":\"2.0\",\"method\":\"helloFast\",");
            front.publish("twins", "[1,2,3]");
            front.publish(
                    "twins",
                    "{\"jsonrpc\":\"2.0\",\"id\":\"9\",\"method\":\"helloFast\",\"params\":[1],"
                            + "\"to\":\"twins\",\"from\":\"front\"}");

            log.awaitMessage("Dropped a message on channel 'twins': not valid JSON", WAIT);
            log.awaitMessage("Dropped a message on channel 'twins': not a JSON object: [1,2,3]", WAIT);
            assertThat(front.awaitResponse("9", WAIT)
                            .path("error")
                            .path("message")
                            .asText())
                    .isEqualTo("Invalid params: by-position (array) params are not supported, send an object");
            ObjectNode fast = front.call("twins", "helloFast", Map.of("who", "bob"), Dialect.NODE, WAIT);
            assertThat(fast.path("result").path("hello").asText()).isEqualTo("bob");
            assertThat(twins.fastThread.get().isVirtual()).isFalse();
        }
    }

    @Test
    void broadcastsToListenersThatDoNotBlockRunOnTheEventLoop() throws Exception {
        Counting counting = new Counting();
        start("counter", counting);
        WirePeer front = open.track(WirePeer.front(redis.dsn()));

        for (int i = 0; i < 3; i++) {
            front.broadcast(Map.of("key", "in.gen.track", "id", "e" + i));
        }

        await().atMost(WAIT).until(() -> counting.threads.size() >= 3);
        assertThat(counting.threads).hasSize(3).allSatisfy(thread -> {
            assertThat(thread.isVirtual()).isFalse();
            assertThat(thread.getName()).startsWith("lettuce-");
        });
    }
}
