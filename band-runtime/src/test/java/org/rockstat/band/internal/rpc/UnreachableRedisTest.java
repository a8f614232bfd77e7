package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.internal.transport.RedisTransport;

/** A service started while Redis is down keeps retrying (saying so once) and connects when Redis comes up. */
class UnreachableRedisTest {
    static final RedisServerExtension redis = new RedisServerExtension();

    @AfterAll
    static void stop() {
        redis.afterAll(null);
    }

    @Test
    void startsBeforeRedisAndConnectsWhenItComesUp() {
        redis.start();
        redis.kill(); // keeps the port: nothing listens there now
        try (LogCapture log = LogCapture.of(RedisTransport.class);
                ServiceFixture service = new ServiceFixture(
                        "early", new TestService("early"), redis.dsn(), Map.of("max_in_flight", 10), false)) {
            assertThat(service.transportDescription()).isEqualTo("redis " + redis.dsn());
            assertThat(service.isConnected()).isFalse();
            assertThatThrownBy(() -> service.client().call("other", "enrich", null, Duration.ofMillis(500)))
                    .isInstanceOfSatisfying(
                            RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.UNAVAILABLE))
                    .hasMessage("Call other.enrich failed: not connected to Redis");
            // several attempts, but one log line
            service.awaitFailedAttempts(0, 4, Duration.ofSeconds(10));
            assertThat(log.count("unreachable")).as(log.messages().toString()).isEqualTo(1);

            redis.start();
            service.assembly
                    .ready()
                    .orTimeout(8, java.util.concurrent.TimeUnit.SECONDS)
                    .join();
            await().atMost(Duration.ofSeconds(3)).until(service::isConnected);
            assertThat(service.client().call("early", "add", Map.of("a", 1, "b", 1), Duration.ofSeconds(2)))
                    .isEqualTo(2);
            assertThat(log.count("Redis connected (")).isEqualTo(1);
        }
    }
}
