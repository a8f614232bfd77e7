package org.rockstat.band.examples.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.call.Response;
import org.rockstat.band.fixtures.HttpProbe;
import org.rockstat.band.fixtures.HttpProbe.Result;
import org.rockstat.band.testkit.BandServiceExtension;

/** The debug example: every result type over HTTP, and its register. */
class DebugServiceTest {
    @RegisterExtension
    static final BandServiceExtension band =
            BandServiceExtension.of(new DebugService()).config(Path.of(""));

    private static HttpProbe http;

    @BeforeAll
    static void http() {
        http = band.http();
    }

    @Test
    void registerListsEveryHandlerWithItsOptions() {
        assertThat(band.director().registerJson())
                .isEqualTo("["
                        + "{\"method\":\"alias\",\"role\":\"handler\",\"options\":{\"alias\":\"secret\"}},"
                        + "{\"method\":\"again\",\"role\":\"handler\",\"options\":{\"alias\":\"secret\"}},"
                        + "{\"method\":\"data\",\"role\":\"handler\",\"options\":{}},"
                        + "{\"method\":\"enrich\",\"role\":\"enricher\",\"options\":{\"keys\":[\"in.gen.debug\"],"
                        + "\"props\":{\"ip\":\"td.ip\",\"ua\":\"td.ua\"},\"alias\":\"debug_info\"}},"
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
    void frontRoutesByNameAliasAndWildcard() {
        assertThat(band.front().event("debug", "test1").call()).isNull();
        Object echoed = band.front().event("debug", "data").data("q", "1").call();
        assertThat(echoed)
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("key", "in.gen.debug.data")
                .containsEntry("data", Map.of("q", "1"));
        assertThat(band.front().event("debug", "err").call()).isEqualTo(Response.error("Some err"));
        assertThat(band.front().event("debug", "pix").call()).isEqualTo(Response.pixel());
        assertThat(band.front().event("debug", "red").call()).isEqualTo(Response.redirect("https://ya.ru"));
        assertThat(band.front().event("secret", "alias").call()).isEqualTo(Map.of("message", "you are catch me!"));
        assertThat(band.front().event("secret", "again").call()).isEqualTo(Map.of("message", "again!"));
        assertThat(band.front().event("test_go", "anything").call()).isEqualTo(Map.of("name", "anything"));
    }

    @Test
    void theEnricherAnswersUnderItsAlias() {
        assertThat(band.front().enrich(Map.of("ip", "1.2.3.4", "ua", "Mozilla/5.0")))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("ip", "1.2.3.4")
                .containsEntry("ua_length", 11);
    }

    @Test
    void streamSendsAFewMegabytesChunked() {
        Result stream = http.get("/stream");
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(stream.header("Content-Type")).isEqualTo("text/plain; charset=us-ascii");
        assertThat(stream.body()).hasSize(4 << 20).startsWith("00000001 xxx");
        assertThat(stream.body().lines().skip(1000).findFirst()).hasValue("00001001 " + "x".repeat(55));
        assertThat(http.get("/stream?mb=1").body()).hasSize(1 << 20);
        // front calls over RPC, which has no streams: a clear error
        assertThat(band.director().register()).noneMatch(entry -> "stream".equals(entry.get("method")));
        assertThatThrownBy(() -> band.band().rpc().call("debug", "stream", null, java.time.Duration.ofSeconds(5)))
                .hasMessageContaining("answers with a stream, which only the service's own HTTP endpoint can send");
    }

    @Test
    void aCallToAServiceNobodyRunsFailsAtOnce() {
        var answer = http.get("/absent").bodyJson();
        assertThat(answer.path("error").asText())
                .isEqualTo("Call nobody_runs_this.ping failed: no service 'nobody_runs_this' is listening");
        assertThat(answer.path("after_ms").asLong()).isLessThan(5000);
    }

    @Test
    void aTypedClientCallsOverRpc() {
        assertThat(http.get("/self_check").body()).isEqualTo("{\"runs_over_rpc\":0}");
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
