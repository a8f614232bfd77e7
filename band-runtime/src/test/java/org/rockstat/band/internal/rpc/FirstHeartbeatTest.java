package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.rockstat.band.fixtures.Figures;
import org.rockstat.band.fixtures.FreePorts;
import org.rockstat.band.fixtures.JvmProcess;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.fixtures.WirePeer;

/**
 * Issue 9 (D.8): the first heartbeat. Before, it was skipped when Redis was not connected yet and
 * went out about 6 s after start; director asks {@code __status} only after a heartbeat, so every
 * deploy cost seconds of failed requests. Now it goes out as soon as the subscription is proven,
 * and the {@code __status} director then sends is answered.
 */
@Tag("slow") // a separate JVM
class FirstHeartbeatTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @TempDir
    Path folder;

    @Test
    void theFirstHeartbeatGoesOutAsSoonAsTheServiceHearsAndDirectorsStatusIsAnswered() throws Exception {
        Files.writeString(
                folder.resolve("config.yaml"),
                "name: fresh\nredis_dsn: " + redis.dsn() + "\nlisten: 127.0.0.1:" + FreePorts.next() + "\n");
        try (WirePeer director = WirePeer.director(redis.dsn())) {
            long launched = System.nanoTime();
            try (JvmProcess service = JvmProcess.launch(DrainMain.class, List.of(), folder, Map.of())) {
                List<Long> beats = director.awaitHeartbeats("fresh", 1, Duration.ofSeconds(30));
                long first = beats.getFirst();
                // director's next move: __status, answered at once
                assertThat(director.status("fresh", Duration.ofSeconds(1))
                                .path("result")
                                .path("data")
                                .path("name")
                                .asText())
                        .isEqualTo("fresh");
                Figures.record("startup.first_heartbeat", (first - launched) / 1e6, "ms from process start");
                assertThat(service.lines("Redis connected")).isEqualTo(1);
            }
        }
    }
}
