package org.rockstat.band.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BandRoutesTest {
    private final BandRoutes routes = BandRoutes.builder()
            .get("/__one", request -> ResponseRenderer.json(200, Map.of("n", 1)))
            .build();

    @Test
    void findsItsPathsWithOrWithoutTrailingSlash() {
        assertThat(routes.find("/__one")).isPresent();
        assertThat(routes.find("/__one/")).isPresent();
        assertThat(routes.find("/__two")).isEmpty();
        assertThat(routes.find("/")).isEmpty();
        assertThat(new String(
                        routes.find("/__one")
                                .orElseThrow()
                                .apply(HttpExchange.of("GET", "/__one"))
                                .body(),
                        java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"n\":1}");
        assertThat(routes.paths()).containsExactly("/__one");
    }

    @Test
    void onlyReservedPathsOnceEach() {
        assertThatThrownBy(() -> BandRoutes.builder().get("/health", r -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Band's own routes start with /__: /health");
        assertThatThrownBy(() -> BandRoutes.builder().get("/__a", r -> null).get("/__a", r -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Band route served twice: /__a");
        assertThat(BandRoutes.isReserved("__metrics")).isTrue();
        assertThat(BandRoutes.isReserved("metrics__")).isFalse();
        assertThat(BandRoutes.none().paths()).isEmpty();
    }
}
