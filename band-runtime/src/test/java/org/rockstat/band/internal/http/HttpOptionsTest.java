package org.rockstat.band.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.config.ConfigurationException;
import org.rockstat.band.config.Settings;

class HttpOptionsTest {
    private static HttpOptions from(Map<String, ?> http) {
        return HttpOptions.from(Settings.of(Map.of("name", "t", "http", http)));
    }

    @Test
    void defaults() {
        HttpOptions options = HttpOptions.from(Settings.of(Map.of("name", "t")));
        assertThat(options.maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(options.corsOrigins()).containsExactly("*");
        assertThat(HttpOptions.defaults()).isEqualTo(options);
    }

    @Test
    void maxBodyAsBytesOrSize() {
        assertThat(from(Map.of("max_body", 2048)).maxBodyBytes()).isEqualTo(2048);
        assertThat(from(Map.of("max_body", "1MiB")).maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(from(Map.of("max_body", "512KiB")).maxBodyBytes()).isEqualTo(524_288);
        assertThat(from(Map.of("max_body", "2MB")).maxBodyBytes()).isEqualTo(2_000_000);
        assertThat(from(Map.of("max_body", "64 kb")).maxBodyBytes()).isEqualTo(64_000);
        assertThat(from(Map.of("max_body", "300")).maxBodyBytes()).isEqualTo(300);
    }

    @Test
    void badMaxBodyNamesTheSetting() {
        assertThatThrownBy(() -> from(Map.of("max_body", "lots"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'http.max_body'").hasMessageContaining("1MiB");
        assertThatThrownBy(() -> from(Map.of("max_body", "3GiB"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> from(Map.of("max_body", 0))).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> from(Map.of("max_body", "1 parsec"))).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void corsOriginsAsListOrText() {
        assertThat(from(Map.of("cors_origins", List.of("https://a.example/", " https://b.example"))).corsOrigins())
                .containsExactly("https://a.example", "https://b.example");
        assertThat(from(Map.of("cors_origins", "*")).corsOrigins()).containsExactly("*");
        assertThat(from(Map.of("cors_origins", "https://a.example, https://b.example")).corsOrigins())
                .containsExactly("https://a.example", "https://b.example");
        assertThat(from(Map.of("cors_origins", List.of())).corsOrigins()).isEmpty();
        assertThatThrownBy(() -> from(Map.of("cors_origins", 5))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'http.cors_origins'");
    }
}
