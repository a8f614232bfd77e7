package org.rockstat.band;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.annotation.Enricher;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.fixtures.WirePeer;
import org.rockstat.band.fixtures.WirePeer.Dialect;

/** The launcher on the platform's transport: joining Rockstat over Redis, and calls between services. */
class BandRpcTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final Duration WAIT = Duration.ofSeconds(10);

    public static final class Geo {
        @Enricher(keys = "in.gen.track", props = "ip=td.ip")
        public Map<String, Object> enrich(String ip) {
            return Map.of("city", ip.startsWith("1.") ? "Moscow" : "unknown");
        }
    }

    public static final class Front {
        @Handler
        public Object locate(String ip, RpcClient rpc) {
            return rpc.call("geo", "enrich", Map.of("ip", ip), Duration.ofSeconds(5));
        }
    }

    @Test
    void servicesInOneJvmCallEachOtherOverTheEmbeddedTransport() throws Exception {
        try (RunningService geo = TestServices.start("geo", "", new Geo());
                RunningService front = TestServices.start("front_like", "memory://", new Front())) {
            geo.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
            front.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(front.rpc().call("front_like", "locate", Map.of("ip", "1.2.3.4"), WAIT))
                    .isEqualTo(Map.of("city", "Moscow"));
        }
    }

    @Test
    void aServiceJoinsThePlatformOverRedis() throws Exception {
        try (WirePeer director = WirePeer.director(redis.dsn());
                WirePeer front = WirePeer.front(redis.dsn());
                RunningService geo = TestServices.start("geo", redis.dsn(), new Geo())) {
            geo.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> director.heartbeatsFrom("geo").size() >= 2);
            ObjectNode status = director.status("geo", WAIT);
            assertThat(status.path("result").path("data").path("register").toString())
                    .isEqualTo(
                            "[{\"method\":\"enrich\",\"role\":\"enricher\",\"options\":{\"keys\":[\"in.gen.track\"],\"props\":{\"ip\":\"td.ip\"}}}]");
            Map<String, ObjectNode> answers = front.enrich(Map.of("ip", "1.1.1.1"), java.util.Set.of("geo"), WAIT);
            assertThat(answers.get("geo").path("result").path("city").asText()).isEqualTo("Moscow");
            ObjectNode direct = front.call("geo", "enrich", Map.of("ip", "8.8.8.8"), Dialect.PYTHON, WAIT);
            assertThat(direct.path("result").path("city").asText()).isEqualTo("unknown");
        }
    }
}
