package org.rockstat.band.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.fixtures.RedisServerExtension;

/**
 * Issue 9 (B.4): reading the subscription stops when the transport says so, even when it says so
 * in the middle of a burst (on the event loop, while Lettuce decodes), and Redis holds the rest
 * until reading resumes. Before, the pause was {@code autoRead} off, which Lettuce turns back on
 * after every message it decodes: a 450 000-request burst was read in full whatever the inbox
 * said, and the service drowned in it. While paused no canary can come back, which the watchdog
 * must not take for deafness.
 */
class ReadGateTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final int N = 20_000;
    private static final int PAUSE_AT = 100;
    /** 1 KiB each: 20 MB in all, far more than the socket buffers between Redis and us hold. */
    private static final String PADDING = "x".repeat(1_000);

    @Test
    void aPauseDuringABurstHoldsUntilResumedAndNothingIsLostOrReordered() throws Exception {
        redis.configSet("client-output-buffer-limit", "normal 0 0 0 pubsub 0 0 0");
        AtomicInteger arrived = new AtomicInteger();
        ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
        try (RedisTransport transport = new RedisTransport(redis.dsn(), "gate", TransportOptions.defaults())) {
            transport.start();
            MessageListener listener = new MessageListener() {
                @Override
                public void onMessage(String channel, byte[] message) {}

                @Override
                public Runnable arrive(String channel, byte[] message) {
                    String text = MessageCodec.text(message);
                    order.add(Integer.parseInt(text.substring(0, text.indexOf(' '))));
                    if (arrived.incrementAndGet() == PAUSE_AT) {
                        // where the inbox pauses under a burst: on the event loop, mid-decode
                        transport.readSubscriptions(false);
                    }
                    return () -> {};
                }
            };
            transport.subscribe(Set.of("burst"), listener).toCompletableFuture().get(10, TimeUnit.SECONDS);

            publish(N);
            AtomicLong lastHeld = new AtomicLong(-1);
            // Redis holds what we do not read: its output buffer for our subscriber stops changing
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        long held = subscriberOutputBytes();
                        boolean still = held > 1_000_000 && held == lastHeld.get();
                        lastHeld.set(held);
                        return still || arrived.get() == N;
                    });
            assertThat(arrived.get()).as("messages read while paused").isLessThan(N / 10);
            assertThat(lastHeld.get()).as("bytes Redis holds for us").isGreaterThan(1_000_000);
            assertThat(transport.stats().readingPaused()).isTrue();
            // no canary can come back while we do not read: the watchdog must not take that for deafness
            // (a new session would start reading afresh, and what Redis holds for this one would be lost)
            await().during(Duration.ofSeconds(4))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> transport.stats().sessionsEnded() == 0);

            transport.readSubscriptions(true);
            await().atMost(Duration.ofSeconds(30)).until(() -> arrived.get() >= N);
            assertThat(arrived.get()).isEqualTo(N);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                expected.add(i);
            }
            assertThat(new ArrayList<>(order))
                    .as("every message once, in Redis's order")
                    .isEqualTo(expected);
        }
    }

    private static void publish(int n) throws Exception {
        RedisClient client = RedisClient.create(redis.dsn());
        try (StatefulRedisConnection<String, String> pub = client.connect(StringCodec.UTF8)) {
            pub.setAutoFlushCommands(false);
            List<RedisFuture<Long>> sent = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                sent.add(pub.async().publish("burst", i + " " + PADDING));
                if (i % 1_000 == 999) {
                    pub.flushCommands();
                }
            }
            pub.flushCommands();
            for (RedisFuture<Long> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** The largest output buffer Redis keeps for a pub/sub client (ours is the only one). */
    private static long subscriberOutputBytes() {
        Object list = redis.admin().call("CLIENT", "LIST", "TYPE", "pubsub");
        long max = 0;
        for (String line : String.valueOf(list).split("\n")) {
            for (String field : line.split(" ")) {
                if (field.startsWith("omem=")) {
                    max = Math.max(max, Long.parseLong(field.substring(5).trim()));
                }
            }
        }
        return max;
    }
}
