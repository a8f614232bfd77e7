package org.rockstat.band.examples.debug;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rockstat.band.Band;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.testing.HttpProbe;
import org.rockstat.band.testing.HttpProbe.Result;

/** The debug example: every result type over HTTP, and its register. */
class DebugServiceTest {
    private static Band band;
    private static HttpProbe http;

    @BeforeAll
    static void start() {
        band = Band.create(Path.of(""), Map.of("HOST", "127.0.0.1", "PORT", "0")).service(new DebugService()).start();
        http = HttpProbe.local(band.httpPort());
    }

    @AfterAll
    static void stop() {
        http.close();
        band.close();
    }

    @Test
    void registerListsEveryHandlerWithItsOptions() {
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "debug"))).service(new DebugService()).build();
        assertThat(Json.write(model.register())).isEqualTo("["
                + "{\"method\":\"alias\",\"role\":\"handler\",\"options\":{\"alias\":\"secret\"}},"
                + "{\"method\":\"again\",\"role\":\"handler\",\"options\":{\"alias\":\"secret\"}},"
                + "{\"method\":\"data\",\"role\":\"handler\",\"options\":{}},"
                + "{\"method\":\"err\",\"role\":\"handler\",\"options\":{}},"
                + "{\"method\":\"error\",\"role\":\"handler\",\"options\":{}},"
                + "{\"method\":\"long_method\",\"role\":\"handler\",\"options\":{}},"
                + "{\"method\":\"long_method2\",\"role\":\"handler\",\"options\":{\"timeout\":18000}},"
                + "{\"method\":\"pix\",\"role\":\"handler\",\"options\":{}},"
                + "{\"method\":\"red\",\"role\":\"handler\",\"options\":{}},"
                + "{\"method\":\"test1\",\"role\":\"handler\",\"options\":{}},"
                + "{\"method\":\"test2\",\"role\":\"handler\",\"options\":{}},"
                + "{\"method\":\"*\",\"role\":\"handler\",\"options\":{\"alias\":\"test_go\"}}]");
    }

    @Test
    void nullAndEchoedData() {
        assertThat(http.get("/test1").body()).isEqualTo("null");
        assertThat(http.get("/data?a=1&b=x").body()).isEqualTo("{\"a\":\"1\",\"b\":\"x\"}");
        assertThat(http.post("/test2", "{\"n\":2}").body()).isEqualTo("{\"n\":2}");
    }

    @Test
    void typedErrorsPixelAndRedirect() {
        Result err = http.get("/err");
        assertThat(err.status()).isEqualTo(500);
        assertThat(err.body()).isEqualTo("{\"message\":\"Some err\"}");
        assertThat(http.get("/error").body()).isEqualTo("{\"message\":\"Some error\"}");
        Result pix = http.get("/pix");
        assertThat(pix.status()).isEqualTo(200);
        assertThat(pix.header("Content-Type")).isEqualTo("image/gif");
        Result red = http.send(http.request("/red").GET().build());
        assertThat(red.status()).isEqualTo(302);
        assertThat(red.header("Location")).isEqualTo("https://ya.ru");
    }

    @Test
    void aliasesAndTheWildcard() {
        assertThat(http.get("/alias").body()).isEqualTo("{\"message\":\"you are catch me!\"}");
        assertThat(http.get("/again").body()).isEqualTo("{\"message\":\"again!\"}");
        assertThat(http.get("/anything").body()).isEqualTo("{\"name\":\"anything\"}");
    }

    @Test
    void configYamlLoadsWithItsDsnMasked() {
        assertThat(band.settings().name()).isEqualTo("debug");
        assertThat(band.settings().masked().path("ch_dsn").asText()).isEqualTo("http://default:***@host:9090");
    }
}
