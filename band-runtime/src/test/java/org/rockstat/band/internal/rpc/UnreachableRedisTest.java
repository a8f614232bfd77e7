package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.rockstat.band.internal.transport.RedisTransport;
import org.rockstat.band.rpc.RpcException;
import org.rockstat.band.testing.RedisServerExtension;

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
        redis.kill();   // keeps the port: nothing listens there now
        try (LogCapture log = new LogCapture(RedisTransport.class);
             ServiceFixture service = new ServiceFixture("early", new TestService("early"),
                     new RedisTransport(redis.dsn()).start(), 10, RpcOptions.defaults(), false)) {
            assertThat(service.runtime.transportDescription()).isEqualTo("redis " + redis.dsn());
            assertThat(service.runtime.isConnected()).isFalse();
            assertThatThrownBy(() -> service.client().call("other", "enrich", null, Duration.ofMillis(500)))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.UNAVAILABLE))
                    .hasMessage("Call other.enrich failed: not connected to Redis");
            // several attempts (100, 200, 400, 800 ms...) but one log line
            await().pollDelay(Duration.ofMillis(1600)).atMost(Duration.ofSeconds(3)).until(() -> true);
            assertThat(log.count("unreachable")).as(log.messages().toString()).isEqualTo(1);

            redis.start();
            service.runtime.ready().toCompletableFuture().orTimeout(8, java.util.concurrent.TimeUnit.SECONDS).join();
            await().atMost(Duration.ofSeconds(3)).until(service.runtime::isConnected);
            assertThat(service.client().call("early", "add", Map.of("a", 1, "b", 1), Duration.ofSeconds(2))).isEqualTo(2);
            assertThat(log.count("Redis connected (")).isEqualTo(1);
        }
    }
}
