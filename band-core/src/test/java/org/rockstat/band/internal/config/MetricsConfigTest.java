package org.rockstat.band.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rockstat.band.config.ConfigurationException;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.problem.Problems;

/** {@code metrics.*}: off by default, StatsD from {@code STATSD_HOST}/{@code STATSD_PORT} as front reads them, bad values reported. */
class MetricsConfigTest {
    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(new ConfigDefaults(() -> "test-host"));

    private RuntimeConfig.Metrics metrics(String yaml, Map<String, String> env) throws IOException {
        Files.writeString(dir.resolve("config.yaml"), yaml);
        Settings settings = loader.read(dir, env).settings();
        Problems problems = new Problems();
        RuntimeConfig config = RuntimeConfig.read(settings, problems);
        problems.throwIfAny();
        return config.metrics();
    }

    @Test
    void offByDefault() throws IOException {
        RuntimeConfig.Metrics metrics = metrics("name: t\n", Map.of());
        assertThat(metrics).isEqualTo(new RuntimeConfig.Metrics(false, "", 8125, "datadog", Duration.ofSeconds(10)));
        assertThat(metrics.enabled()).isFalse();
    }

    @Test
    void statsdHostAndPortComeFromTheEnvironmentUnlessTheFileSetsThem() throws IOException {
        assertThat(metrics("name: t\n", Map.of("STATSD_HOST", "statsd", "STATSD_PORT", "9125")))
                .isEqualTo(new RuntimeConfig.Metrics(false, "statsd", 9125, "datadog", Duration.ofSeconds(10)));
        assertThat(metrics("""
                        name: t
                        metrics:
                          prometheus: true
                          statsd: {host: telegraf, port: 8126, flavor: ETSY, interval_ms: 500}
                        """, Map.of("STATSD_HOST", "statsd", "STATSD_PORT", "9125")))
                .isEqualTo(new RuntimeConfig.Metrics(true, "telegraf", 8126, "etsy", Duration.ofMillis(500)));
    }

    @Test
    void badValuesAreStartUpProblemsSayingWhereAndHowToFixThem() {
        assertThatThrownBy(() -> metrics("""
                        name: t
                        metrics:
                          statsd: {host: "statsd:8125", port: 70000, flavor: graphite}
                        """, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).problems())
                        .containsExactly(
                                "Setting 'metrics.statsd.host' = \"statsd:8125\" has a port in it in config.yaml: give"
                                        + " the host alone and the port in 'port' under 'metrics.statsd' (or STATSD_HOST"
                                        + " and STATSD_PORT), e.g. 'host: statsd'",
                                "Setting 'metrics.statsd.port' = 70000 is out of range in config.yaml: give 1 to 65535,"
                                        + " e.g. 'port: 8125' under 'metrics.statsd'",
                                "Setting 'metrics.statsd.flavor' = \"graphite\" is not a StatsD flavour in config.yaml:"
                                        + " give one of datadog, etsy, telegraf, sysdig, e.g. 'flavor: datadog' under"
                                        + " 'metrics.statsd'"));
    }

    @Test
    void aStatsdPortInTheEnvironmentThatIsNoPortIsAProblemNamingTheVariable() {
        assertThatThrownBy(() -> metrics("name: t\n", Map.of("STATSD_HOST", "statsd", "STATSD_PORT", "udp")))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).problems())
                        .containsExactly("STATSD_PORT = 'udp' is not a port number in the environment: give a number"
                                + " from 1 to 65535, e.g. STATSD_PORT=8125, or unset it for 8125"));
    }
}
