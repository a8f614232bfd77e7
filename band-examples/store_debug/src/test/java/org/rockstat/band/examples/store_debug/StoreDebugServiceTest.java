package org.rockstat.band.examples.store_debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.testkit.BandServiceExtension;

/** The store_debug example: a listener that counts what front broadcasts. */
class StoreDebugServiceTest {
    @RegisterExtension
    static final BandServiceExtension band =
            BandServiceExtension.of(new StoreDebugService()).config(Path.of(""));

    @Test
    void registersOneListenerAndListensToAll() {
        assertThat(band.director().registerJson())
                .isEqualTo("[{\"method\":\"broadcast\",\"role\":\"listener\",\"options\":{}}]");
        assertThat(band.settings().get("redis_params.listen_all", Boolean.class))
                .isTrue();
    }

    @Test
    void countsEveryBroadcastEvent() {
        long before = band.http().get("/stats").bodyJson().path("received").asLong();
        band.front().broadcast(band.front().event("track", "click").ip("1.2.3.4"));
        band.front().broadcast(band.front().event("track", "view"));
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        band.http().get("/stats").bodyJson().path("received").asLong() == before + 2);
        String event = "{\"key\":\"in.gen.track.click\",\"service\":\"track\",\"name\":\"click\",\"id\":\"e3\"}";
        assertThat(band.http().post("/broadcast", event).status()).isEqualTo(200);
        assertThat(band.http().get("/stats").body()).isEqualTo("{\"received\":" + (before + 3) + "}");
    }
}
