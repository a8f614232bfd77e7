package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.annotation.Enricher;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Listener;
import org.rockstat.band.call.Event;
import org.rockstat.band.fixtures.Figures;
import org.rockstat.band.fixtures.RedisServerExtension;

/**
 * Issue 9 (C.6): 205 calls of a 15 s method through front. Before, front gave up on each after
 * 200 ms while they kept running, and for 15 s every other method of the service, the enricher
 * included, was refused "Service overloaded: 200 calls in flight". Now each method has its own
 * bulkhead and a call front stopped waiting for runs on outside its method's count.
 */
@Tag("slow") // a real redis-server and hundreds of calls
class SlowMethodIsolationTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The debug example's shape: a slow handler beside fast ones, an enricher and a listener. */
    public static final class Debug {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger longRunning = new AtomicInteger();
        final AtomicInteger heard = new AtomicInteger();

        @Handler
        public String long_method() throws InterruptedException {
            longRunning.incrementAndGet();
            try {
                return release.await(15, TimeUnit.SECONDS) ? "released" : "slept 15 s";
            } finally {
                longRunning.decrementAndGet();
            }
        }

        @Handler
        public String test1() {
            return "test1";
        }

        @Handler
        public Map<String, Object> data(Event event) {
            return Map.of("name", String.valueOf(event.name()));
        }

        @Enricher(keys = "in.gen.track", props = "ua=td.ua")
        public Map<String, Object> enrich(String ua) {
            return Map.of("ua", ua);
        }

        @Listener
        public void store(Event event) {
            heard.incrementAndGet();
        }
    }

    @Test
    void withTwoHundredFiveSlowCallsRunningEveryOtherMethodIsAnswered() throws Exception {
        Debug debug = new Debug();
        try (ServiceFixture service = new ServiceFixture("debug", debug, redis.dsn(), Map.of(), true);
                Front front = new Front(redis.dsn())) {
            List<CompletableFuture<JsonNode>> slow = new ArrayList<>();
            for (int i = 0; i < 205; i++) {
                slow.add(front.call("debug", "long_method", "{}"));
            }
            // 200 run, 5 wait; after front's 200 ms the running ones leave the count and the 5 start too
            await().atMost(Duration.ofSeconds(10)).until(() -> debug.longRunning.get() == 205);

            Map<String, List<Long>> micros = new ConcurrentHashMap<>();
            AtomicLong refused = new AtomicLong();
            for (int round = 0; round < 200; round++) {
                time(micros, refused, "test1", () -> front.call("debug", "test1", "{}"));
                time(micros, refused, "data", () -> front.call("debug", "data", "{\"name\":\"pageview\"}"));
                time(micros, refused, "enricher", () -> front.call("enrich", "enrich", "{\"ua\":\"u\"}"));
                front.broadcast("{\"key\":\"in.gen.track\",\"name\":\"track\"}");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> debug.heard.get() == 200);

            micros.forEach((method, list) -> {
                Collections.sort(list);
                long p99 = list.get((int) Math.ceil(list.size() * 0.99) - 1);
                Figures.record("bulkhead." + method + ".p99_with_205_slow", p99 / 1000.0, "ms");
            });
            Figures.record("bulkhead.refused_with_205_slow", refused.get(), "calls");
            assertThat(refused).as("calls refused or failed").hasValue(0);
            assertThat(micros).containsOnlyKeys("test1", "data", "enricher");
            assertThat(micros.values()).allSatisfy(list -> assertThat(list).hasSize(200));
            assertThat(debug.longRunning).hasValue(205);
            debug.release.countDown();
            for (CompletableFuture<JsonNode> call : slow) {
                assertThat(call.get(10, TimeUnit.SECONDS).path("result").asText())
                        .isEqualTo("released");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> service.inFlight() == 0);
        }
    }

    private static void time(
            Map<String, List<Long>> micros,
            AtomicLong refused,
            String method,
            java.util.function.Supplier<CompletableFuture<JsonNode>> call)
            throws Exception {
        long start = System.nanoTime();
        JsonNode answer = call.get().get(5, TimeUnit.SECONDS);
        long took = (System.nanoTime() - start) / 1_000;
        if (answer.has("error")) {
            refused.incrementAndGet();
        } else {
            micros.computeIfAbsent(method, m -> Collections.synchronizedList(new ArrayList<>()))
                    .add(took);
        }
    }

    /** Front on the wire: requests in its dialect, answers matched by id the moment they arrive. */
    static final class Front implements AutoCloseable {
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> pub;
        private final StatefulRedisPubSubConnection<String, String> sub;
        private final Map<String, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
        private final AtomicLong ids = new AtomicLong();

        Front(String dsn) {
            client = RedisClient.create(dsn);
            pub = client.connect(StringCodec.UTF8);
            sub = client.connectPubSub(StringCodec.UTF8);
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    try {
                        JsonNode answer = JSON.readTree(message);
                        CompletableFuture<JsonNode> call =
                                waiting.remove(answer.path("id").asText());
                        if (call != null) {
                            call.complete(answer);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(message, e);
                    }
                }
            });
            sub.sync().subscribe("front");
        }

        CompletableFuture<JsonNode> call(String to, String method, String params) {
            String id = Long.toString(ids.incrementAndGet());
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            waiting.put(id, answer);
            pub.sync()
                    .publish(
                            to,
                            "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"" + to + ":" + method
                                    + ":front\",\"to\":\"" + to + "\",\"from\":\"front\",\"params\":" + params + "}");
            return answer;
        }

        void broadcast(String params) {
            pub.sync()
                    .publish(
                            "broadcast",
                            "{\"jsonrpc\":\"2.0\",\"method\":\"broadcast:broadcast:front\",\"to\":\"broadcast\","
                                    + "\"from\":\"front\",\"params\":" + params + "}");
        }

        @Override
        public void close() {
            sub.close();
            pub.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
