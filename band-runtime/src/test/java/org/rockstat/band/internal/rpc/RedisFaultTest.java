package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.fixtures.WirePeer;
import org.rockstat.band.internal.transport.RedisTransport;

/** Redis dies mid-traffic and comes back: nothing hangs, everything resumes, nothing leaks. */
@Tag("slow") // real processes and fault timings: make test runs it, make test-fast does not
class RedisFaultTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    static final Duration WAIT = Duration.ofSeconds(2);

    private ServiceFixture service(String name) {
        return new ServiceFixture(
                name,
                new TestService(name),
                redis.dsn(),
                Map.of("max_in_flight", 500, "heartbeat_delay_ms", 200, "heartbeat_every_ms", 300),
                true);
    }

    @Test
    void redisKilledMidTrafficThenRestarted() {
        int threadsBefore = BandThreads.count();
        try (LogCapture log = LogCapture.of(RedisTransport.class)) {
            ServiceFixture callee = service("callee");
            ServiceFixture caller = service("caller");
            try {
                assertThat(caller.client().call("callee", "add", Map.of("a", 1, "b", 2), WAIT))
                        .isEqualTo(3);

                // calls in flight when Redis dies: some held by the callee, some racing
                callee.testService().gate = new CountDownLatch(1);
                List<CompletableFuture<Object>> inFlight = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    inFlight.add(caller.client().request("callee", "held", null, Duration.ofSeconds(30)));
                }
                await().atMost(WAIT).until(() -> callee.inFlight() == 20);
                // the counter sees platform and virtual threads alike (20 held calls run on virtual threads)
                assertThat(BandThreads.count()).isGreaterThanOrEqualTo(threadsBefore + 20);
                for (int i = 0; i < 50; i++) {
                    inFlight.add(caller.client().request("callee", "echo", Map.of("i", i), Duration.ofSeconds(30)));
                }
                int callerAttempts = caller.failedAttempts();
                int calleeAttempts = callee.failedAttempts();
                redis.kill();

                // every pending call ends promptly: answered before the kill, or failed as unavailable
                CompletableFuture.allOf(inFlight.stream()
                                .map(f -> f.exceptionally(e -> null))
                                .toArray(CompletableFuture[]::new))
                        .orTimeout(5, java.util.concurrent.TimeUnit.SECONDS)
                        .join();
                for (int i = 0; i < 20; i++) {
                    assertThatThrownBy(inFlight.get(i)::join)
                            .cause()
                            .isInstanceOfSatisfying(
                                    RpcException.class,
                                    e -> assertThat(e.code()).isEqualTo(RpcException.UNAVAILABLE))
                            .hasMessageStartingWith("Call callee.held failed: ")
                            .hasMessageContaining("Redis");
                }
                assertThat(caller.pendingCalls()).isZero();
                await().atMost(WAIT).until(() -> !caller.isConnected() && !callee.isConnected());

                // while down: calls fail fast and say why
                long before = System.nanoTime();
                assertThatThrownBy(() -> caller.client().call("callee", "add", Map.of("a", 1, "b", 2), WAIT))
                        .isInstanceOfSatisfying(
                                RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.UNAVAILABLE))
                        .hasMessage("Call callee.add failed: not connected to Redis");
                assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofMillis(500));
                // stay down for several reconnect attempts of both
                caller.awaitFailedAttempts(callerAttempts, 3, Duration.ofSeconds(10));
                callee.awaitFailedAttempts(calleeAttempts, 3, Duration.ofSeconds(10));
                callee.testService().gate.countDown();

                redis.restart();
                long restarted = System.nanoTime();
                try (WirePeer director = WirePeer.director(redis.dsn())) {
                    await().atMost(Duration.ofSeconds(5)).until(() -> caller.isConnected() && callee.isConnected());
                    await().atMost(Duration.ofSeconds(5))
                            .ignoreExceptions()
                            .untilAsserted(() -> assertThat(caller.client()
                                            .call("callee", "add", Map.of("a", 2, "b", 2), Duration.ofMillis(300)))
                                    .isEqualTo(4));
                    await().atMost(Duration.ofSeconds(3))
                            .until(() -> director.heartbeatsFrom("callee").size() >= 2
                                    && director.heartbeatsFrom("caller").size() >= 2);
                    assertThat(Duration.ofNanos(System.nanoTime() - restarted)).isLessThan(Duration.ofSeconds(8));
                    // both channels of the callee are back: its enrich subscription answers too
                    assertThat(caller.client()
                                    .requestAll("enrich", "enrich", Map.of("ua", "u"), java.util.Set.of("callee"), WAIT)
                                    .join())
                            .containsOnlyKeys("callee");
                }
                assertThat(caller.pendingCalls()).isZero();
                assertThat(log.count("lost (connection lost); reconnecting"))
                        .as(log.messages().toString())
                        .isEqualTo(2);
                assertThat(log.count("connected again"))
                        .as(log.messages().toString())
                        .isEqualTo(2);
            } finally {
                caller.close();
                callee.close();
            }
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(BandThreads.count()).isLessThanOrEqualTo(threadsBefore + 1));
    }
}
