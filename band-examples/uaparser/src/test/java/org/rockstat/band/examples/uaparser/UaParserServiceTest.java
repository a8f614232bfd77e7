package org.rockstat.band.examples.uaparser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.Band;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.testing.HttpProbe;

/** The uaparser example: its register, and the enricher over HTTP with its cache. */
class UaParserServiceTest {
    private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15"
            + " (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";

    @Test
    void registersTheEnricher() {
        Settings settings = Settings.of(Map.of("name", "uaparser"));
        ServiceModel model = ServiceModel.builder(settings).service(new UaParserService(settings)).build();
        assertThat(Json.write(model.register())).isEqualTo(
                "[{\"method\":\"enrich\",\"role\":\"enricher\",\"options\":{\"keys\":[\"in.gen.track\"],\"props\":{\"ua\":\"td.ua\"}}}]");
    }

    @Test
    void enrichesOverHttpAndCachesRepeats() {
        try (Band band = Band.create(Path.of(""), Map.of("HOST", "127.0.0.1", "PORT", "0"))
                .service(UaParserService::new).start();
             HttpProbe http = HttpProbe.local(band.httpPort())) {
            assertThat(band.settings().rpcFlag("listen_enrich")).isTrue();
            String first = http.postForm("/enrich", Map.of("ua", IPHONE)).body();
            assertThat(first).isEqualTo("{\"os_family\":\"iOS\",\"os_version\":[17,1],\"browser_family\":\"Mobile Safari\","
                    + "\"browser_version\":[17,1],\"device_family\":\"iPhone\",\"device_brand\":null,\"device_model\":null,"
                    + "\"is_bot\":0,\"is_mob\":1,\"is_tablet\":0,\"is_pc\":0}");
            assertThat(http.post("/enrich", Json.write(Map.of("ua", IPHONE))).body()).isEqualTo(first);
            assertThat(http.get("/cache_info").bodyJson().toString()).contains("\"hits\":1").contains("\"misses\":1");
            assertThat(http.get("/enrich").status()).isEqualTo(400);
            assertThat(http.get("/enrich").body()).isEqualTo("{\"message\":\"Missing required param 'ua'\"}");
        }
    }
}
