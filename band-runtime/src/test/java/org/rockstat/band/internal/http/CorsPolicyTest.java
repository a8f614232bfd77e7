package org.rockstat.band.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorsPolicyTest {
    @Test
    void anyOriginWithoutCredentials() {
        HttpHeaders h = new DefaultHttpHeaders();
        assertThat(new CorsPolicy(List.of("*")).apply("https://x.example", h)).isTrue();
        assertThat(h.get("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(h.contains("Access-Control-Allow-Credentials")).isFalse();
        assertThat(h.contains("Vary")).isFalse();
    }

    @Test
    void listedOriginEchoedWithCredentials() {
        HttpHeaders h = new DefaultHttpHeaders();
        assertThat(new CorsPolicy(List.of("https://app.example")).apply("https://app.example", h)).isTrue();
        assertThat(h.get("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
        assertThat(h.get("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(h.get("Vary")).isEqualTo("Origin");
    }

    @Test
    void listedAndStarTogether() {
        CorsPolicy both = new CorsPolicy(List.of("*", "https://app.example"));
        HttpHeaders listed = new DefaultHttpHeaders();
        both.apply("https://app.example", listed);
        assertThat(listed.get("Access-Control-Allow-Credentials")).isEqualTo("true");
        HttpHeaders other = new DefaultHttpHeaders();
        both.apply("https://other.example", other);
        assertThat(other.get("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(other.contains("Access-Control-Allow-Credentials")).isFalse();
    }

    @Test
    void unlistedOrNoOriginGetsNothing() {
        CorsPolicy policy = new CorsPolicy(List.of("https://app.example"));
        for (String origin : new String[] {"https://evil.example", null}) {
            HttpHeaders h = new DefaultHttpHeaders();
            assertThat(policy.apply(origin, h)).isFalse();
            assertThat(h.names()).noneMatch(n -> n.toLowerCase().startsWith("access-control-"));
        }
        HttpHeaders h = new DefaultHttpHeaders();
        assertThat(new CorsPolicy(List.of()).apply("https://app.example", h)).isFalse();
        assertThat(h.isEmpty()).isTrue();
    }

    @Test
    void preflight() {
        HttpHeaders h = new DefaultHttpHeaders();
        new CorsPolicy(List.of("*")).applyPreflight("https://x.example", "X-Token", h);
        assertThat(h.get("Access-Control-Allow-Methods")).isEqualTo("GET, POST, OPTIONS");
        assertThat(h.get("Access-Control-Allow-Headers")).isEqualTo("X-Token");
        assertThat(h.get("Access-Control-Max-Age")).isEqualTo("600");
        HttpHeaders none = new DefaultHttpHeaders();
        new CorsPolicy(List.of("https://app.example")).applyPreflight("https://evil.example", "X-Token", none);
        assertThat(none.names()).noneMatch(n -> n.toLowerCase().startsWith("access-control-"));
    }
}
