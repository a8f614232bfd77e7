package org.rockstat.band.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.config.Settings;
import org.rockstat.band.fixtures.Figures;
import org.rockstat.band.fixtures.HttpProbe;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.internal.runtime.ServiceAssembly;
import org.rockstat.band.method.MethodSpec;

/**
 * {@code LOG_LEVEL=debug} on a real service (Redis transport, HTTP server, one request): Band's
 * debug lines and none of Netty's or Lettuce's, unless {@code LOG_LEVEL_LIBS=debug} asks for them.
 */
class DebugWithoutLibraryNoiseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @AfterEach
    void restoreDefaults() {
        Logging.configure(System.getenv());
    }

    /** Every logger name of the lines a start-up, one request and a stop write under {@code env}. */
    private static List<String> loggersOfOneRequest(Map<String, String> env) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logging.configure(env, out);
        ServiceAssembly service = ServiceAssembly.start(
                Settings.of(Map.of("name", "quiet", "redis_dsn", redis.dsn(), "listen", "127.0.0.1:0")),
                List.of(),
                List.of(),
                List.of(b -> b.method(MethodSpec.exposed("ping"), call -> "pong")));
        try (HttpProbe http = HttpProbe.local(service.httpPort())) {
            service.ready().orTimeout(30, TimeUnit.SECONDS).join();
            assertThat(http.get("/ping").body()).isEqualTo("pong");
        } finally {
            service.stop();
        }
        Logging.configure(System.getenv());
        List<String> loggers = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode node = JSON.readTree(line);
            loggers.add(node.get("logger").asText());
        }
        return loggers;
    }

    @Test
    void debuggingBandShowsBandsLinesAndNoneOfTheLibraries() throws Exception {
        List<String> quiet = loggersOfOneRequest(Map.of("LOG_LEVEL", "debug", "LOG_FORMAT", "json"));
        assertThat(quiet).filteredOn(l -> l.startsWith("org.rockstat.band")).isNotEmpty();
        assertThat(quiet)
                .as("Netty's and Lettuce's own lines at LOG_LEVEL=debug")
                .filteredOn(l -> l.startsWith("io.netty") || l.startsWith("io.lettuce") || l.startsWith("reactor"))
                .isEmpty();

        List<String> noisy =
                loggersOfOneRequest(Map.of("LOG_LEVEL", "debug", "LOG_LEVEL_LIBS", "debug", "LOG_FORMAT", "json"));
        long libraries = noisy.stream()
                .filter(l -> l.startsWith("io.netty") || l.startsWith("io.lettuce"))
                .count();
        assertThat(libraries).as("LOG_LEVEL_LIBS=debug brings them back").isPositive();
        Figures.record("log lines of start-up + one request at LOG_LEVEL=debug", quiet.size(), "lines");
        Figures.record("the same with LOG_LEVEL_LIBS=debug (Netty and Lettuce)", noisy.size(), "lines");
    }
}
