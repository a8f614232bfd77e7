package org.rockstat.band.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.call.Response;
import org.rockstat.band.call.RpcException;

class ResponseRendererTest {
    private static String body(ResponseRenderer.Rendered r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void rpcCodesToStatuses() {
        assertThat(ResponseRenderer.status(RpcException.INVALID_PARAMS)).isEqualTo(400);
        assertThat(ResponseRenderer.status(RpcException.METHOD_NOT_FOUND)).isEqualTo(404);
        assertThat(ResponseRenderer.status(RpcException.OVERLOADED)).isEqualTo(503);
        assertThat(ResponseRenderer.status(RpcException.UNAVAILABLE)).isEqualTo(503);
        assertThat(ResponseRenderer.status(RpcException.TIMEOUT)).isEqualTo(504);
        assertThat(ResponseRenderer.status(RpcException.INTERNAL_ERROR)).isEqualTo(500);
        assertThat(ResponseRenderer.status(-32050)).isEqualTo(500);
    }

    @Test
    void failureCarriesOnlyTheMessage() {
        var r = ResponseRenderer.failure(new RpcException(
                RpcException.INTERNAL_ERROR, "bad \"thing\"", new IllegalStateException("secret cause")));
        assertThat(r.status()).isEqualTo(500);
        assertThat(body(r)).isEqualTo("{\"message\":\"bad \\\"thing\\\"\"}");
        var other = ResponseRenderer.failure(new IllegalStateException("secret"));
        assertThat(body(other)).isEqualTo("{\"message\":\"Internal error\"}");
    }

    @Test
    void dataWithContentTypeKeepsJsonForNonStrings() {
        var r = ResponseRenderer.result(Response.data(List.of(1, 2)).contentType("application/x-ndjson"));
        assertThat(r.contentType()).isEqualTo("application/x-ndjson");
        assertThat(body(r)).isEqualTo("[1,2]");
        var csv = ResponseRenderer.result(Response.data("a,b").contentType("text/csv"));
        assertThat(body(csv)).isEqualTo("a,b");
        assertThat(csv.contentType()).isEqualTo("text/csv");
    }

    @Test
    void redirectAndPixel() {
        var redirect = ResponseRenderer.result(Response.redirect("/x").status(301));
        assertThat(redirect.status()).isEqualTo(301);
        assertThat(redirect.headers()).contains(List.of("Location", "/x"));
        assertThat(redirect.body()).isEmpty();
        var pixel = ResponseRenderer.result(Response.pixel());
        assertThat(pixel.body()).hasSize(43);
        assertThat(pixel.headers()).contains(List.of("Pragma", "no-cache"));
    }

    @Test
    void aTypedObjectAsATreeIsWrittenWhole() {
        // what GET /__status relies on: Band's status method answers its typed object as a tree
        assertThat(body(ResponseRenderer.result(
                        org.rockstat.band.internal.json.Json.tree(Response.data(Map.of("a", 1))))))
                .isEqualTo("{\"type__\":\"data\",\"statusCode\":200,\"data\":{\"a\":1}}");
    }
}
