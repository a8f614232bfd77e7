package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.fixtures.WirePeer;
import org.rockstat.band.internal.replica.ReplicaSet;
import org.rockstat.band.internal.transport.RedisTransport;

/**
 * Issue 12 (2, ACL): the README's minimal ACL line for a service, exactly as documented, on a real
 * redis-server; two replicas of the service run under that user and do everything a service does
 * (answer front, enrich, hear broadcasts, heartbeat, answer {@code __status}, share the work,
 * leave) with nothing denied: Redis's {@code ACL LOG} stays empty. (A wrong password is
 * {@link RedisAuthTest}.)
 */
@Tag("slow") // a real redis-server with ACL users, two replicas
class RedisAclTest {
    private static final String PASSWORD = "acl-s3cret-pw";
    private static final String SERVICE = "uaparser";
    private static final String LINE = documentedAclLine();

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension().aclUser(LINE.replace("PASSWORD", PASSWORD));

    @Test
    void twoReplicasDoEverythingUnderTheDocumentedAclWithNothingDenied() {
        assertThat(LINE).startsWith("user uaparser on >PASSWORD resetchannels ").contains(" -@all ");
        String dsn = redis.dsn(SERVICE, PASSWORD);
        Map<String, Object> rpc = Map.of("heartbeat_every_ms", 300);
        try (LogCapture log = LogCapture.of(ReplicaSet.class);
                LogCapture transport = LogCapture.of(RedisTransport.class);
                WirePeer director = WirePeer.director(redis.dsn());
                WirePeer front = WirePeer.front(redis.dsn());
                ServiceFixture one = new ServiceFixture(SERVICE, new TestService(SERVICE), dsn, rpc, true);
                ServiceFixture two = new ServiceFixture(SERVICE, new TestService(SERVICE), dsn, rpc, true)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> redis.numsub("band:uaparser:members") == 2);
            // a replica joins the others through the member hash and sees both
            await().atMost(Duration.ofSeconds(10)).until(() -> log.count("2 replica(s)") >= 1);

            // front's requests: each answered once, by one of the two
            for (int i = 0; i < 20; i++) {
                String id = front.request(SERVICE, "add", Map.of("a", i, "b", 1), WirePeer.Dialect.NODE);
                ObjectNode answer = front.awaitResponse(id, Duration.ofSeconds(2));
                assertThat(answer.path("result").asInt()).isEqualTo(i + 1);
            }
            assertThat(front.enrich(Map.of("ua", "Mozilla/5.0"), Set.of(SERVICE), Duration.ofSeconds(2)))
                    .containsOnlyKeys(SERVICE);
            front.broadcast(Map.of("key", "in.gen.track", "name", "track"));
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> one.testService().broadcasts.size()
                                    + two.testService().broadcasts.size()
                            == 1);

            // director: heartbeats from the service, __status answered once
            director.awaitHeartbeats(SERVICE, 2, Duration.ofSeconds(5));
            ObjectNode status = director.status(SERVICE, Duration.ofSeconds(2));
            assertThat(status.path("result").path("data").path("register")).isNotEmpty();

            // one replica calls the other's service name: its own channel is allowed, so is the answer
            assertThat(one.client().call(SERVICE, "add", Map.of("a", 2, "b", 2), Duration.ofSeconds(2)))
                    .isEqualTo(4);

            // give the last messages a moment to be answered twice, if they were going to be
            await().pollDelay(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(1))
                    .until(() -> true);
            assertThat(front.received().stream()
                            .filter(r -> r.json() != null && r.json().has("result"))
                            .count())
                    .as("front's 20 requests and its enrich call, each answered once")
                    .isEqualTo(21);
            assertThat(director.responses(status.path("id").asText())).hasSize(1);
            assertThat(log.messages()).noneMatch(line -> line.contains("NOPERM") || line.contains("cannot share"));
            assertThat(transport.messages()).as("no session lost").noneMatch(line -> line.contains("reconnecting"));
        }
        // leaving (the member hash, unsubscribing) is allowed too
        assertThat((List<?>) redis.command("ACL", "LOG"))
                .as("commands Redis denied")
                .isEmpty();
    }

    /** The one line starting {@code user uaparser on} in README.md. */
    private static String documentedAclLine() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("band-core"))) {
            dir = dir.getParent();
        }
        try {
            List<String> lines = Files.readAllLines(dir.resolve("README.md")).stream()
                    .map(String::strip)
                    .filter(line -> line.startsWith("user uaparser on "))
                    .toList();
            assertThat(lines).as("the ACL line in README.md").hasSize(1);
            return lines.getFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
