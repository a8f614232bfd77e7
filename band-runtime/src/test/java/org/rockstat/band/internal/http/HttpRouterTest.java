package org.rockstat.band.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpRouterTest {
    private final HttpRouter router = new HttpRouter(List.of(
            new HttpRoute("/hello/:name", "hello", false),
            new HttpRoute("/stats", "stats", false),
            new HttpRoute("/hello/world", "world", false),
            new HttpRoute("/a/:x/:y", "two", false),
            new HttpRoute("/a/:x/fixed", "one", false),
            new HttpRoute("/*", "*", true),
            new HttpRoute("/__status", "__status", false)));

    private String method(String path) {
        return router.match(path).map(m -> m.route().method()).orElse(null);
    }

    @Test
    void exactPath() {
        assertThat(method("/stats")).isEqualTo("stats");
        assertThat(method("/__status")).isEqualTo("__status");
    }

    @Test
    void bandsPathsReachNoTemplateAndNoWildcard() {
        HttpRouter router = new HttpRouter(List.of(
                new HttpRoute("/*", "*", true),
                new HttpRoute("/:first/:second", "pair", false),
                new HttpRoute("/__status", "__status", false)));
        java.util.function.Function<String, String> method =
                path -> router.match(path).map(m -> m.route().method()).orElse(null);
        assertThat(method.apply("/metrics")).isEqualTo("*");
        assertThat(method.apply("/x/y")).isEqualTo("pair");
        assertThat(method.apply("/__metrics")).isNull();
        assertThat(method.apply("/%5F%5Fmetrics"))
                .as("decoded before the check")
                .isNull();
        assertThat(method.apply("/__health/ready")).isNull();
        assertThat(method.apply("/__status/")).isEqualTo("__status");
        assertThat(method.apply("/x/__y"))
                .as("only the first segment is Band's")
                .isEqualTo("pair");
    }

    @Test
    void exactBeatsPattern() {
        assertThat(method("/hello/world")).isEqualTo("world");
        assertThat(method("/hello/ann")).isEqualTo("hello");
    }

    @Test
    void patternCapturesDecodedSegments() {
        assertThat(router.match("/hello/ann%20lee").orElseThrow().params()).isEqualTo(Map.of("name", "ann lee"));
        assertThat(router.match("/hello/a+b").orElseThrow().params())
                .as("plus is literal in a path")
                .isEqualTo(Map.of("name", "a+b"));
        assertThat(router.match("/hello/a%2Fb").orElseThrow().params()).isEqualTo(Map.of("name", "a/b"));
        assertThat(router.match("/hello/%D0%B0%D0%BD%D1%8F").orElseThrow().params())
                .isEqualTo(Map.of("name", "аня"));
    }

    @Test
    void fewerParamsFirst() {
        assertThat(method("/a/1/fixed")).isEqualTo("one");
        assertThat(router.match("/a/1/2").orElseThrow().params()).isEqualTo(Map.of("x", "1", "y", "2"));
    }

    @Test
    void trailingSlashTolerated() {
        assertThat(method("/stats/")).isEqualTo("stats");
        assertThat(method("/hello/ann/")).isEqualTo("hello");
    }

    @Test
    void catchAllTakesSingleSegmentsOnly() {
        HttpRouter.Match match = router.match("/anything").orElseThrow();
        assertThat(match.route().catchAll()).isTrue();
        assertThat(match.params()).isEqualTo(Map.of("name", "anything"));
        assertThat(router.match("/any%20thing/").orElseThrow().params()).isEqualTo(Map.of("name", "any thing"));
        assertThat(router.match("/")).isEmpty();
        assertThat(router.match("/x/y")).isEmpty();
        assertThat(router.match("/hello"))
                .as("one segment, wildcard")
                .map(m -> m.route().method())
                .hasValue("*");
    }

    @Test
    void noMatchWithoutCatchAll() {
        HttpRouter plain = new HttpRouter(List.of(new HttpRoute("/stats", "stats", false)));
        assertThat(plain.match("/other")).isEmpty();
        assertThat(plain.match("/hello//")).isEmpty();
        assertThat(plain.match("/stats").orElseThrow().params()).isEmpty();
    }

    @Test
    void emptyParamSegmentDoesNotMatch() {
        assertThat(router.match("/a//2")).isEmpty();
    }

    @Test
    void malformedEncodingIsRejected() {
        assertThatThrownBy(() -> router.match("/hello/%zz")).isInstanceOf(IllegalArgumentException.class);
    }
}
