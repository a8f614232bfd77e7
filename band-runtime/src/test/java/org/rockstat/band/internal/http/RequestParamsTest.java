package org.rockstat.band.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestParamsTest {
    private static String params(String uri, String contentType, String body, Map<String, String> path) {
        return RequestParams.from(uri, contentType, body.getBytes(StandardCharsets.UTF_8), path)
                .toString();
    }

    @Test
    void queryBodyPathInThatOrder() {
        assertThat(params("/x?a=q&b=q&t=1&t=2", "application/json", "{\"b\":\"body\",\"c\":true}", Map.of("a", "path")))
                .isEqualTo("{\"a\":\"path\",\"b\":\"body\",\"t\":[\"1\",\"2\"],\"c\":true}");
    }

    @Test
    void formBodyLikeQuery() {
        assertThat(params("/x", "application/x-www-form-urlencoded; charset=UTF-8", "a=1+2&a=%D0%B0&b=", Map.of()))
                .isEqualTo("{\"a\":[\"1 2\",\"а\"],\"b\":\"\"}");
    }

    @Test
    void jsonSentAsFormIsJson() {
        assertThat(params("/x", "application/x-www-form-urlencoded", "{\"a\":1}", Map.of()))
                .isEqualTo("{\"a\":1}");
    }

    @Test
    void otherContentTypes() {
        assertThat(params("/x", null, "{\"a\":1}", Map.of())).isEqualTo("{\"a\":1}");
        assertThat(params("/x", "text/plain", "just text", Map.of())).isEqualTo("{}");
        assertThat(params("/x", "application/vnd.api+json", "{\"a\":1}", Map.of()))
                .isEqualTo("{\"a\":1}");
        assertThat(params("/x", "application/json", "  ", Map.of())).isEqualTo("{}");
    }

    @Test
    void jsonProblems() {
        assertThatThrownBy(() -> params("/x", "application/json", "[1]", Map.of()))
                .isInstanceOf(HttpProblem.class)
                .hasMessage("JSON body must be an object");
        assertThatThrownBy(() -> params("/x", "application/json", "{\"a\":1} {", Map.of()))
                .isInstanceOf(HttpProblem.class)
                .hasMessageStartingWith("Malformed JSON body: ")
                .hasMessageContaining("at line 1, column");
        assertThatThrownBy(() -> params("/x", "application/json", "{\n\"a\": tru }", Map.of()))
                .isInstanceOf(HttpProblem.class)
                .hasMessageStartingWith("Malformed JSON body: Unrecognized token 'tru'")
                .hasMessageEndingWith("at line 2, column 6")
                .hasMessageNotContaining("Source");
    }

    @Test
    void malformedQueryIs400() {
        assertThatThrownBy(() -> params("/x?a=%zz", null, "", Map.of()))
                .isInstanceOfSatisfying(
                        HttpProblem.class, p -> assertThat(p.status()).isEqualTo(400))
                .hasMessageStartingWith("Malformed query string");
    }
}
