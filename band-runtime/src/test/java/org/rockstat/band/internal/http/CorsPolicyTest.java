package org.rockstat.band.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CorsPolicyTest {
    private static Map<String, String> map(List<List<String>> headers) {
        return headers.stream().collect(Collectors.toMap(h -> h.get(0), h -> h.get(1)));
    }

    @Test
    void anyOriginWithoutCredentials() {
        assertThat(map(new CorsPolicy(List.of("*")).headers("https://x.example")))
                .isEqualTo(Map.of("Access-Control-Allow-Origin", "*"));
    }

    @Test
    void listedOriginEchoedWithCredentials() {
        assertThat(map(new CorsPolicy(List.of("https://app.example")).headers("https://app.example")))
                .isEqualTo(Map.of(
                        "Access-Control-Allow-Origin", "https://app.example",
                        "Access-Control-Allow-Credentials", "true",
                        "Vary", "Origin"));
    }

    @Test
    void listedAndStarTogether() {
        CorsPolicy both = new CorsPolicy(List.of("*", "https://app.example"));
        assertThat(map(both.headers("https://app.example"))).containsEntry("Access-Control-Allow-Credentials", "true");
        assertThat(map(both.headers("https://other.example")))
                .containsEntry("Access-Control-Allow-Origin", "*")
                .doesNotContainKey("Access-Control-Allow-Credentials");
    }

    @Test
    void unlistedOrNoOriginGetsNothing() {
        CorsPolicy policy = new CorsPolicy(List.of("https://app.example"));
        assertThat(map(policy.headers("https://evil.example"))).isEqualTo(Map.of("Vary", "Origin"));
        assertThat(map(policy.headers(null))).isEqualTo(Map.of("Vary", "Origin"));
        assertThat(new CorsPolicy(List.of()).headers("https://app.example")).isEmpty();
    }

    @Test
    void preflight() {
        assertThat(map(new CorsPolicy(List.of("*")).preflight("https://x.example", "X-Token")))
                .isEqualTo(Map.of(
                        "Access-Control-Allow-Origin", "*",
                        "Access-Control-Allow-Methods", "GET, POST, OPTIONS",
                        "Access-Control-Allow-Headers", "X-Token",
                        "Access-Control-Max-Age", "600"));
        assertThat(new CorsPolicy(List.of("https://app.example")).preflight("https://evil.example", "X-Token"))
                .noneMatch(h -> h.get(0).toLowerCase().startsWith("access-control-"));
    }
}
