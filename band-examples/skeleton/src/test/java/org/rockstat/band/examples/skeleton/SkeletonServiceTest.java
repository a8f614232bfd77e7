package org.rockstat.band.examples.skeleton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.config.Settings;
import org.rockstat.band.testkit.BandServiceExtension;

/** The skeleton example, run from its own config.yaml, called as front and director call it. */
class SkeletonServiceTest {
    @RegisterExtension
    static final BandServiceExtension band =
            BandServiceExtension.of(SkeletonService::new).config(Path.of(""));

    @Test
    void registersTwoHandlers() {
        assertThat(band.settings().name()).isEqualTo("skeleton");
        assertThat(band.director().registerJson())
                .isEqualTo("["
                        + "{\"method\":\"main\",\"role\":\"handler\",\"options\":{}},"
                        + "{\"method\":\"tick\",\"role\":\"handler\",\"options\":{}}]");
    }

    @Test
    void servesItsStateAndCountsTicks() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> band.http().get("/main").bodyJson().path("loaded").asBoolean());
        assertThat(band.front().event("skeleton", "main").call())
                .isEqualTo(Map.of("counter", 0, "loaded", true, "loop", 0));
        assertThat(band.front().event("skeleton", "tick").call()).isEqualTo(Map.of("counter", 1));
        assertThat(band.http().post("/tick", "{}").body()).isEqualTo("{\"counter\":2}");
        assertThat(band.http().get("/main").body()).isEqualTo("{\"counter\":2,\"loaded\":true,\"loop\":0}");
    }

    @Nested
    class WithAShortLoop {
        static final SkeletonService SERVICE =
                new SkeletonService(Settings.of(Map.of("initial_counter_value", 40, "loop_interval", "20ms")));

        @RegisterExtension
        static final BandServiceExtension fast =
                BandServiceExtension.of(SERVICE).setting("name", "skeleton");

        @Test
        void workerAdvancesTheLoopAndCleanupClearsLoaded() {
            await().atMost(Duration.ofSeconds(10)).until(() -> SERVICE.main().loop() >= 3);
            assertThat(fast.front().event("skeleton", "main").call())
                    .asInstanceOf(InstanceOfAssertFactories.MAP)
                    .containsEntry("counter", 40)
                    .containsEntry("loaded", true);
            fast.band().stop();
            assertThat(SERVICE.main().loaded()).isFalse();
        }
    }
}
