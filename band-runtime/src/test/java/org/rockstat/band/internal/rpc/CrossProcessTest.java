package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.fixtures.JvmProcess;
import org.rockstat.band.fixtures.RedisServerExtension;

/** Two services in two JVM processes call each other over Redis. */
@Tag("slow") // real processes and fault timings: make test runs it, make test-fast does not
class CrossProcessTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @Test
    void servicesInSeparateProcessesCallEachOther() throws Exception {
        try (JvmProcess peer = PeerMain.start(redis.dsn(), "remote");
                ServiceFixture local = ServiceFixture.test("local", redis.dsn())) {
            assertThat(local.client().call("remote", "add", Map.of("a", 20, "b", 22), Duration.ofSeconds(3)))
                    .isEqualTo(42);
            assertThat(local.client().call("remote", "callBack", Map.of("service", "local"), Duration.ofSeconds(3)))
                    .isEqualTo("remote/redis");
            @SuppressWarnings("unchecked")
            Map<String, Object> status =
                    (Map<String, Object>) local.client().call("remote", "__status", null, Duration.ofSeconds(3));
            assertThat(status).containsEntry("name", "remote");
            assertThat(local.pendingCalls()).isZero();
            assertThat(peer.stop(Duration.ofSeconds(10))).isZero();
        }
    }
}
