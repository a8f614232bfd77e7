package org.rockstat.band.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.internal.config.SettingsTrees;
import org.rockstat.band.internal.json.Json;

class SettingsTest {
    record Pool(int size, String name) {}

    record Db(String file, Pool pool) {}

    enum Mode {
        FAST,
        SAFE
    }

    private final Settings settings = SettingsTrees.wrap(parse("""
            {"name": "mmgeo", "initial": 5, "port": "abc", "mode": "SLOW", "password": "hunter2",
             "db": {"file": "geo.mmdb", "pool": {"size": 8, "name": "main"}},
             "broken": {"file": "x", "pool": {"size": "many"}}}
            """));

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsTypedValuesByDotPath() {
        assertThat(settings.get("initial", Integer.class)).isEqualTo(5);
        assertThat(settings.get("initial", String.class)).isEqualTo("5");
        assertThat(settings.get("db.pool.size", Integer.class)).isEqualTo(8);
        assertThat(settings.get("db.file", String.class)).isEqualTo("geo.mmdb");
        assertThat(settings.get("db.missing", String.class, "fallback")).isEqualTo("fallback");
    }

    @Test
    void bindsASubtreeToARecord() {
        assertThat(settings.bind("db", Db.class)).isEqualTo(new Db("geo.mmdb", new Pool(8, "main")));
        assertThat(settings.bind("db.pool", Pool.class)).isEqualTo(new Pool(8, "main"));
    }

    @Test
    void findIsEmptyWhenMissing() {
        assertThat(settings.find("absent", String.class)).isEmpty();
        assertThat(settings.find("db.pool.absent", Integer.class)).isEmpty();
        assertThat(settings.has("db.pool")).isTrue();
        assertThat(settings.has("absent")).isFalse();
    }

    @Test
    void missingSettingMessage() {
        assertThatThrownBy(() -> settings.get("initial_counter_value", Integer.class))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Missing setting 'initial_counter_value' in config.yaml:"
                        + " add it, e.g. 'initial_counter_value: <value>'");
        assertThatThrownBy(() -> settings.bind("db.pool.limits", Pool.class))
                .hasMessage("Missing setting 'db.pool.limits' in config.yaml:"
                        + " add it, e.g. 'limits: <value>' under 'db.pool'");
    }

    @Test
    void wrongTypeMessages() {
        assertThatThrownBy(() -> settings.get("port", Integer.class))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Setting 'port' = \"abc\" cannot be read as Integer in config.yaml:"
                        + " change it to a whole number");
        assertThatThrownBy(() -> settings.get("name", Boolean.class))
                .hasMessage("Setting 'name' = \"mmgeo\" cannot be read as Boolean in config.yaml:"
                        + " change it to true or false");
        assertThatThrownBy(() -> settings.get("mode", Mode.class))
                .hasMessage("Setting 'mode' = \"SLOW\" cannot be read as Mode in config.yaml:"
                        + " change it to one of FAST, SAFE");
        assertThatThrownBy(() -> settings.get("db", List.class))
                .hasMessage("Setting 'db' = {\"file\":\"geo.mmdb\",\"pool\":{\"size\":8,\"name\":\"main\"}}"
                        + " cannot be read as List in config.yaml: change it to a list");
    }

    @Test
    void wrongFieldInABoundRecordIsNamedWithEveryOtherProblem() {
        assertThatThrownBy(() -> settings.bind("broken", Db.class))
                .isInstanceOf(ConfigurationException.class)
                .extracting(e -> ((ConfigurationException) e).problems())
                .isEqualTo(
                        List.of(
                                "Setting 'broken' = {\"file\":\"x\",\"pool\":{\"size\":\"many\"}} cannot be read as Db"
                                        + " in config.yaml: change 'broken.pool.size' to a whole number",
                                "Missing setting 'broken.pool.name' in config.yaml: add it, e.g. 'name: <value>' under 'broken.pool'"));
    }

    record Limits(long timeoutMs, int maxInFlight, Integer retries, java.util.Optional<String> label) {}

    @Test
    void bindsSnakeCaseKeysToCamelCaseComponents() {
        Settings limits = Settings.of(Map.of("limits", Map.of("timeout_ms", 500, "max_in_flight", 8, "label", "x")));
        assertThat(limits.bind("limits", Limits.class)).isEqualTo(new Limits(500, 8, null, java.util.Optional.of("x")));
        Settings camel = Settings.of(Map.of("limits", Map.of("timeoutMs", 5, "maxInFlight", 1)));
        assertThat(camel.bind("limits", Limits.class)).isEqualTo(new Limits(5, 1, null, java.util.Optional.empty()));
    }

    @Test
    void missingComponentsAndUnknownKeysAreAllReported() {
        Settings typo = Settings.of(Map.of("limits", Map.of("timeout_msec", 500)));
        assertThatThrownBy(() -> typo.bind("limits", Limits.class))
                .extracting(e -> ((ConfigurationException) e).problems())
                .isEqualTo(
                        List.of(
                                "Missing setting 'limits.timeout_ms' in config.yaml: add it, e.g. 'timeout_ms: <value>' under 'limits'",
                                "Missing setting 'limits.max_in_flight' in config.yaml: add it, e.g. 'max_in_flight: <value>' under 'limits'",
                                "Unknown setting 'limits.timeout_msec' (Limits has no such field) in config.yaml: did you mean 'timeout_ms'?"));
    }

    @Test
    void secretsAreNotQuotedInMessages() {
        assertThatThrownBy(() -> settings.get("password", Integer.class))
                .hasMessage("Setting 'password' = \"***\" cannot be read as Integer in config.yaml:"
                        + " change it to a whole number");
    }

    @Test
    void maskedHidesSecretsWithoutChangingTheTree() {
        assertThat(settings.masked().get("password").asText()).isEqualTo("***");
        assertThat(SettingsTrees.tree(settings).get("password").asText()).isEqualTo("hunter2");
        assertThat(settings.masked().get("db"))
                .isEqualTo(SettingsTrees.tree(settings).get("db"));
    }
}
