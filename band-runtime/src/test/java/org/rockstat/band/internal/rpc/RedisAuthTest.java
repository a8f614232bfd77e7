package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.internal.transport.RedisTransport;

/**
 * Issue 9 (B.5): a wrong password. Before, a WRONGPASS on reconnect printed "lost; retrying" and
 * then nothing, ever. Now the reason is logged once at WARN, masked, the attempts go on (each one
 * seen by the transport's listeners), and fixing the password on the server is enough.
 */
@Tag("slow") // a real redis-server with ACL users, several reconnect attempts
class RedisAuthTest {
    private static final String PASSWORD = "Sup3r-s3cret-pw";

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension().aclUser("band on >other allchannels +@all");

    @Test
    void aWrongPasswordIsReportedOnceWithItsReasonMaskedAndRetriedUntilItWorks() {
        try (LogCapture log = LogCapture.of(RedisTransport.class);
                ServiceFixture service = new ServiceFixture(
                        "auth", new TestService("auth"), redis.dsn("band", PASSWORD), Map.of(), false)) {
            service.awaitFailedAttempts(0, 4, Duration.ofSeconds(20));
            assertThat(log.count("WRONGPASS")).as(log.messages().toString()).isEqualTo(1);
            assertThat(log.messages()).noneMatch(line -> line.contains(PASSWORD));
            assertThat(log.messages()).anyMatch(line -> line.contains("redis://band:***@"));

            redis.command("ACL", "SETUSER", "band", "resetpass", ">" + PASSWORD);
            await().atMost(Duration.ofSeconds(10)).until(service::isConnected);
            assertThat(service.client().call("auth", "add", Map.of("a", 2, "b", 2), Duration.ofSeconds(2)))
                    .isEqualTo(4);
            assertThat(log.count("Redis connected")).isEqualTo(1);
        }
    }
}
