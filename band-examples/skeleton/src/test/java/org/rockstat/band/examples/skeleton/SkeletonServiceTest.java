package org.rockstat.band.examples.skeleton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.Band;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.testing.HttpProbe;

/** The skeleton example, run from its own config.yaml and over HTTP. */
class SkeletonServiceTest {
    private static final Map<String, String> ENV = Map.of("HOST", "127.0.0.1", "PORT", "0");

    @Test
    void registersTwoHandlers() {
        Settings settings = Settings.of(Map.of("name", "skeleton"));
        ServiceModel model = ServiceModel.builder(settings).service(new SkeletonService(settings)).build();
        assertThat(Json.write(model.register())).isEqualTo("["
                + "{\"method\":\"main\",\"role\":\"handler\",\"options\":{}},"
                + "{\"method\":\"tick\",\"role\":\"handler\",\"options\":{}}]");
    }

    @Test
    void servesItsStateFromConfigYamlAndCountsTicks() {
        try (Band band = Band.create(Path.of(""), ENV).service(SkeletonService::new).start();
             HttpProbe http = HttpProbe.local(band.httpPort())) {
            assertThat(band.settings().name()).isEqualTo("skeleton");
            await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/main").bodyJson().path("loaded").asBoolean());
            assertThat(http.get("/main").body()).isEqualTo("{\"counter\":0,\"loaded\":true,\"loop\":0}");
            assertThat(http.get("/tick").body()).isEqualTo("{\"counter\":1}");
            assertThat(http.post("/tick", "{}").body()).isEqualTo("{\"counter\":2}");
            assertThat(http.get("/main").bodyJson().path("counter").asLong()).isEqualTo(2);
        }
    }

    @Test
    void workerAdvancesTheLoopAndCleanupClearsLoaded() {
        Settings settings = Settings.of(Map.of("name", "skeleton", "listen", "127.0.0.1:0",
                "initial_counter_value", 40, "loop_interval", "20ms"));
        SkeletonService service = new SkeletonService(settings);
        try (Band band = Band.create(settings).service(service).start();
             HttpProbe http = HttpProbe.local(band.httpPort())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/main").bodyJson().path("loop").asLong() >= 3);
            assertThat(http.get("/main").bodyJson().path("counter").asLong()).isEqualTo(40);
        }
        assertThat(service.main().loaded()).isFalse();
    }
}
