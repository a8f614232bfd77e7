package org.rockstat.band.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rockstat.band.config.ConfigurationException;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.json.Json;

class ConfigLoaderTest {
    private static final String MMGEO = """
            name: mmgeo
            env: {{ ENV }}
            listen: "{{HOST|default('0.0.0.0')}}:{{PORT|default(8080)}}"
            redis_dsn: "{{REDIS_DSN|default('redis://redis:6379')}}"
            redis_params:
              listen_enrich: yes
            db_file: ./data/GeoLite2-City.mmdb
            key_prefix: in.gen.track
            props:
              key: key
              ip: td.ip
            """;

    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(new ConfigDefaults(() -> "test-host"));

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    private static RuntimeConfig runtime(Settings settings) {
        org.rockstat.band.internal.problem.Problems problems = new org.rockstat.band.internal.problem.Problems();
        RuntimeConfig config = RuntimeConfig.read(settings, problems);
        assertThat(problems.list()).isEmpty();
        return config;
    }

    private LoadedConfig load(Map<String, String> env) {
        return loader.read(dir, env);
    }

    @Test
    void mmgeoFileLoadsWithDefaults() throws IOException {
        write("config.yaml", MMGEO);
        LoadedConfig loaded = load(Map.of());
        Settings settings = loaded.settings();
        assertThat(SettingsTrees.tree(settings))
                .isEqualTo(Json.tree(Map.of(
                        "name", "mmgeo",
                        "env", "development",
                        "listen", "0.0.0.0:8080",
                        "redis_dsn", "redis://redis:6379",
                        "redis_params", Map.of("listen_enrich", true),
                        "db_file", "./data/GeoLite2-City.mmdb",
                        "key_prefix", "in.gen.track",
                        "props", Map.of("key", "key", "ip", "td.ip"))));
        RuntimeConfig config = runtime(settings);
        assertThat(config.listenEnrich()).isTrue();
        assertThat(config.listenAll()).isFalse();
        assertThat(config.redisDsn()).isEqualTo("redis://redis:6379");
        assertThat(loaded.files()).containsExactly(dir.toAbsolutePath().resolve("config.yaml"));
    }

    @Test
    void mmgeoFileTakesTheEnvironment() throws IOException {
        write("config.yaml", MMGEO);
        Settings settings = load(Map.of(
                        "HOST",
                        "127.0.0.1",
                        "PORT",
                        "9000",
                        "ENV",
                        "production",
                        "REDIS_DSN",
                        "redis://:pw@cache:6380/2"))
                .settings();
        assertThat(runtime(settings).listen().text()).isEqualTo("127.0.0.1:9000");
        assertThat(settings.env()).isEqualTo("production");
        assertThat(settings.isDevelopment()).isFalse();
        assertThat(runtime(settings).redisDsn()).isEqualTo("redis://:pw@cache:6380/2");
        assertThat(settings.masked().get("redis_dsn").asText()).isEqualTo("redis://:***@cache:6380/2");
    }

    @Test
    void unsetPortAndEnvRenderEmptyThenGetDefaults() throws IOException {
        write("config.yaml", "name: debug_test\nenv: {{ ENV }}\nlisten: \"{{HOST|default('0.0.0.0')}}:{{PORT}}\"\n");
        Settings settings = load(Map.of()).settings();
        assertThat(runtime(settings).listen().text()).isEqualTo("0.0.0.0:8080");
        assertThat(settings.env()).isEqualTo("development");
        assertThat(SettingsTrees.tree(settings).get("env").asText()).isEqualTo("development");
    }

    @Test
    void dotEnvFilesFeedTheTemplatesAndTheProcessEnvWins() throws IOException {
        write("config.yaml", MMGEO);
        write(".env", "PORT=7000\nHOST=10.0.0.1\nENV=staging\n");
        write(".env.local", "PORT=7001\n");
        LoadedConfig loaded = load(Map.of("ENV", "production"));
        assertThat(runtime(loaded.settings()).listen().text()).isEqualTo("10.0.0.1:7001");
        assertThat(loaded.settings().env()).isEqualTo("production");
        assertThat(loaded.env()).containsEntry("PORT", "7001").containsEntry("ENV", "production");
    }

    @Test
    void customYmlIsDeepMergedOverConfigYaml() throws IOException {
        write("config.yaml", "name: uaparser\ndb:\n  file: a.db\n  pool: {size: 4, timeout: 5}\nhosts: [a, b]\n");
        write("custom.yml", "db:\n  pool:\n    size: {{ POOL|default(16) }}\nhosts: [c]\nname: ua2\n");
        LoadedConfig loaded = load(Map.of());
        Settings settings = loaded.settings();
        assertThat(settings.get("db.pool.size", Integer.class)).isEqualTo(16);
        assertThat(settings.get("db.pool.timeout", Integer.class)).isEqualTo(5);
        assertThat(settings.get("db.file", String.class)).isEqualTo("a.db");
        assertThat(settings.node("hosts")).isEqualTo(Json.tree(List.of("c")));
        assertThat(settings.name()).isEqualTo("ua2");
        assertThat(loaded.files())
                .containsExactly(
                        dir.toAbsolutePath().resolve("config.yaml"),
                        dir.toAbsolutePath().resolve("custom.yml"));
    }

    @Test
    void customYmlAloneIsEnough() throws IOException {
        write("custom.yml", "name: only-custom\n");
        assertThat(load(Map.of()).settings().name()).isEqualTo("only-custom");
    }

    @Test
    void noFilesGiveDefaultsOnly() {
        LoadedConfig loaded = load(Map.of("NAME", "from-env"));
        assertThat(loaded.files()).isEmpty();
        assertThat(SettingsTrees.tree(loaded.settings()).toString())
                .isEqualTo("{\"name\":\"from-env\",\"env\":\"development\",\"listen\":\"0.0.0.0:8080\"}");
        assertThat(load(Map.of()).settings().name()).isEqualTo("test-host");
    }

    @Test
    void staticLoadUsesTheHostName() {
        assertThat(ConfigLoader.load(dir, Map.of()).settings().name()).isEqualTo(ConfigDefaultsTest.thisHost());
    }

    @Test
    void yamlSyntaxErrorNamesTheFile() throws IOException {
        write("config.yaml", "name: x\n");
        write("custom.yml", "{# private overrides #}\nprops:\n  key: key\n  ip: td: ip\n");
        assertThatThrownBy(() -> load(Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("YAML syntax error (mapping values are not allowed here) in custom.yml at line 4,"
                        + " column 9: fix the YAML; values containing ': ' need quotes");
    }

    @Test
    void reportsProblemsOfBothFilesAndTheListenAddress() throws IOException {
        write("config.yaml", "name: x\nenv: {{ ENV|lower }}\n");
        write("custom.yml", "- a\n");
        ConfigurationException e =
                (ConfigurationException) org.assertj.core.api.Assertions.catchThrowable(() -> load(Map.of()));
        assertThat(e.problems())
                .containsExactly(
                        "Unsupported template filter 'lower' ('{{ ENV|lower }}') in config.yaml at line 2, column 6: use only"
                                + " {{ VAR }}, {{ VAR|default('text') }}, {{ VAR|default(8080) }} and {# comments #}",
                        "Top level is a list, not a mapping of settings in custom.yml:"
                                + " write settings as 'key: value' lines, e.g. 'name: mmgeo'");
    }

    @Test
    void badPortIsReported() throws IOException {
        write("config.yaml", "listen: \"{{HOST|default('0.0.0.0')}}:{{PORT}}\"\n");
        assertThatThrownBy(() -> load(Map.of("PORT", "http")))
                .hasMessage("Invalid port 'http' in listen address '0.0.0.0:http' for setting 'listen':"
                        + " use host:port with a port from 0 to 65535 (0 picks a free port), e.g. '0.0.0.0:8080'");
    }

    @Test
    void malformedDotEnvIsReported() throws IOException {
        write(".env", "GOOD=1\nexport OK=1\nBAD 1\n");
        assertThatThrownBy(() -> load(Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Unreadable environment file (Malformed entry BAD 1) in .env:"
                        + " write one KEY=value (or export KEY=value) per line and quote values that contain '#'");
    }
}
