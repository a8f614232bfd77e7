package org.rockstat.band.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.fixtures.RedisServerExtension;

/**
 * "Subscribed" must mean "connected": once the first subscribe of a {@link RedisTransport}
 * completes, {@link RedisTransport#isConnected()} is true and a publish on it goes through.
 *
 * <p>The subscribe is made at every stage of the connect sequence (before anything connected,
 * after Redis accepted the pub/sub connection, after it accepted both), which it observes from
 * the server's side ({@code CLIENT LIST} ids), not by sleeping.
 */
class RedisTransportReadyTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final int ROUNDS = 60;
    private static RedisClient probeClient;
    private static StatefulRedisConnection<String, String> probe;

    @BeforeAll
    static void connectProbe() {
        probeClient = RedisClient.create(redis.dsn());
        probe = probeClient.connect();
    }

    @AfterAll
    static void closeProbe() {
        probe.close();
        probeClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @Test
    void readyImpliesConnectedWheneverTheSubscribeComes() {
        for (int round = 0; round < ROUNDS; round++) {
            int waitForClients = round % 3;
            long lastId = maxClientId();
            String channel = "ready-" + round;
            CompletableFuture<String> received = new CompletableFuture<>();
            try (RedisTransport transport = new RedisTransport(redis.dsn(), "ready", TransportOptions.defaults())) {
                transport.start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (newClients(lastId) < waitForClients) {
                    assertThat(System.nanoTime())
                            .as("round %d: %d connections accepted", round, waitForClients)
                            .isLessThan(deadline);
                    Thread.onSpinWait();
                }
                transport
                        .subscribe(Set.of(channel), (ch, message) -> received.complete(MessageCodec.text(message)))
                        .toCompletableFuture()
                        .orTimeout(10, TimeUnit.SECONDS)
                        .join();

                assertThat(transport.isConnected())
                        .as(
                                "round %d (subscribed after %d accepted connections): connected once subscribed",
                                round, waitForClients)
                        .isTrue();
                transport
                        .publish(channel, MessageCodec.bytes("hello " + round))
                        .toCompletableFuture()
                        .orTimeout(5, TimeUnit.SECONDS)
                        .join();
                assertThat(received.orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo("hello " + round);
            }
        }
    }

    /** The highest client id Redis has handed out so far (ids only ever grow). */
    private static long maxClientId() {
        return probe.sync()
                .clientList()
                .lines()
                .mapToLong(RedisTransportReadyTest::id)
                .max()
                .orElse(0);
    }

    /** Open connections Redis accepted after the one with id {@code lastId}. */
    private static long newClients(long lastId) {
        return probe.sync()
                .clientList()
                .lines()
                .mapToLong(RedisTransportReadyTest::id)
                .filter(id -> id > lastId)
                .count();
    }

    private static long id(String line) {
        for (String field : line.split(" ")) {
            if (field.startsWith("id=")) {
                return Long.parseLong(field.substring(3));
            }
        }
        return 0;
    }
}
