package org.rockstat.band.examples.uaparser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.testkit.BandServiceExtension;

/** The uaparser example: its register, and the enrich round trip front makes. */
class UaParserServiceTest {
    private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15"
            + " (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";

    @RegisterExtension
    static final BandServiceExtension band =
            BandServiceExtension.of(UaParserService::new).config(Path.of(""));

    @Test
    void registersTheEnricherAsThePythonServiceDoes() {
        // Python: @expose.enricher(keys=['in.gen.track'], props=dict(ua='td.ua')); cache_info has no role
        assertThat(band.director().registerJson())
                .isEqualTo(
                        "[{\"method\":\"enrich\",\"role\":\"enricher\",\"options\":{\"keys\":[\"in.gen.track\"],\"props\":{\"ua\":\"td.ua\"}}}]");
        assertThat(band.settings().get("redis_params.listen_enrich", Boolean.class))
                .isTrue();
    }

    @Test
    void answersFrontWithThePythonFields() throws Exception {
        Object enrichment = band.front().enrich(Map.of("ua", IPHONE));

        String json = new ObjectMapper().writeValueAsString(enrichment);
        assertThat(json)
                .isEqualTo("{\"os_family\":\"iOS\",\"os_version\":[17,1],\"browser_family\":\"Mobile Safari\","
                        + "\"browser_version\":[17,1],\"device_family\":\"iPhone\",\"device_brand\":\"Apple\","
                        + "\"device_model\":\"iPhone\",\"is_bot\":0,\"is_mob\":1,\"is_pc\":0}");
        assertThat(band.http().postForm("/enrich", Map.of("ua", IPHONE)).body()).isEqualTo(json);
        assertThat(band.http().get("/enrich").status()).isEqualTo(400);
        assertThat(band.http().get("/enrich").body()).isEqualTo("{\"message\":\"Missing required param 'ua'\"}");
    }
}
