package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.internal.transport.MemoryBus;
import org.rockstat.band.internal.transport.MemoryTransport;
import org.rockstat.band.internal.transport.MessageCodec;

/**
 * Issue 9 (F.13): what arrives on the wire is logged escaped, truncated and rate-limited. Before,
 * a newline in {@code from} forged a second log line, a 900 KB {@code from} wrote a 900 KB line
 * and 10 000 garbage messages wrote 10 000 WARN lines.
 */
class HostileMessagesTest {
    @Test
    void garbageIsLoggedOncePerKindAndWireTextCannotForgeOrFloodALine() throws Exception {
        String bus = "hostile-" + System.nanoTime();
        try (LogCapture log = LogCapture.of(RpcEndpoint.class);
                ServiceFixture service = ServiceFixture.test("victim", "memory://" + bus);
                MemoryTransport attacker = new MemoryTransport(MemoryBus.named(bus), "test")) {
            attacker.start();
            for (int i = 0; i < 10_000; i++) {
                attacker.publish("victim", MessageCodec.bytes("not json " + i))
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS);
            }
            String forged = "evil\n2026-12-01 00:00:00.000 WARN  [main] o.r.b.Band - forged line";
            attacker.publish(
                            "victim",
                            MessageCodec.bytes("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"victim:add:"
                                    + forged.replace("\n", "\\n") + "\",\"from\":\"" + forged.replace("\n", "\\n")
                                    + "\",\"params\":{}}"))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            String huge = "f".repeat(900_000);
            attacker.publish(
                            "victim",
                            MessageCodec.bytes("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"victim:add:" + huge
                                    + "\",\"from\":\"" + huge + "\",\"params\":[1]}"))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);

            // one line for the 10 000 (the interval has not passed), then the two requests
            String forgedLine = log.awaitMessage("evil", Duration.ofSeconds(5));
            log.awaitMessage("fff", Duration.ofSeconds(5));
            assertThat(log.count("not valid JSON")).isEqualTo(1);
            assertThat(forgedLine).doesNotContain("\n").contains("evil\\n2026-12-01");
            assertThat(log.messages())
                    .allSatisfy(line -> assertThat(line.length()).isLessThan(2_000));
            assertThat(log.at(ch.qos.logback.classic.Level.WARN)).hasSizeLessThanOrEqualTo(3);
            // and the service still answers
            assertThat(service.client().call("victim", "add", Map.of("a", 1, "b", 1), Duration.ofSeconds(2)))
                    .isEqualTo(2);
        }
    }
}
