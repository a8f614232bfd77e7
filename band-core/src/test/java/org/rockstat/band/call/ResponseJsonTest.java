package org.rockstat.band.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.internal.json.Json;

/** Typed results serialise exactly as PROTOCOL §3 says front reads them. */
class ResponseJsonTest {

    @Test
    void dataCarriesStatusAndData() {
        assertThat(Json.write(Response.data(Map.of("a", 1))))
                .isEqualTo("{\"type__\":\"data\",\"statusCode\":200,\"data\":{\"a\":1}}");
    }

    @Test
    void dataKeepsNullDataAndAddsContentTypeAndHeadersOnlyWhenSet() {
        assertThat(Json.write(Response.data(null))).isEqualTo("{\"type__\":\"data\",\"statusCode\":200,\"data\":null}");
        assertThat(Json.write(Response.data("a,b", 201).contentType("text/csv").header("X-Id", "7")))
                .isEqualTo("{\"type__\":\"data\",\"statusCode\":201,\"data\":\"a,b\",\"contentType\":\"text/csv\","
                        + "\"headers\":[[\"X-Id\",\"7\"]]}");
    }

    @Test
    void pixel() {
        assertThat(Json.write(Response.pixel())).isEqualTo("{\"type__\":\"pixel\",\"statusCode\":200}");
        assertThat(Json.write(Response.pixel().header("Cache-Control", "no-store")))
                .isEqualTo("{\"type__\":\"pixel\",\"statusCode\":200,\"headers\":[[\"Cache-Control\",\"no-store\"]]}");
    }

    @Test
    void redirect() {
        assertThat(Json.write(Response.redirect("https://ya.ru")))
                .isEqualTo("{\"type__\":\"redirect\",\"location\":\"https://ya.ru\",\"statusCode\":302}");
        assertThat(Json.write(Response.redirect("/x").status(301)))
                .isEqualTo("{\"type__\":\"redirect\",\"location\":\"/x\",\"statusCode\":301}");
    }

    @Test
    void error() {
        assertThat(Json.write(Response.error("Some error")))
                .isEqualTo("{\"type__\":\"error\",\"statusCode\":500,\"errorMessage\":\"Some error\"}");
        assertThat(Json.write(Response.error("nope", 404)))
                .isEqualTo("{\"type__\":\"error\",\"statusCode\":404,\"errorMessage\":\"nope\"}");
    }

    @Test
    void withersDoNotChangeTheOriginal() {
        Response.Data base = Response.data(1);
        base.header("A", "b");
        assertThat(base.headers()).isEmpty();
    }
}
