package org.rockstat.band.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.problem.Problems;

class ConfigDefaultsTest {
    private final Problems problems = new Problems();
    private final ConfigDefaults defaults = new ConfigDefaults(() -> "box-1");

    private ObjectNode apply(ObjectNode tree, Map<String, String> env) {
        defaults.apply(tree, env, problems);
        return tree;
    }

    @Test
    void fillsEverythingOnAnEmptyTree() {
        assertThat(apply(Json.object(), Map.of()).toString())
                .isEqualTo("{\"name\":\"box-1\",\"env\":\"development\",\"listen\":\"0.0.0.0:8080\"}");
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void nameAndEnvComeFromTheEnvironmentWhenMissingOrBlank() {
        ObjectNode tree = Json.object().put("name", " ").putNull("env");
        apply(tree, Map.of("NAME", "mmgeo", "ENV", "production"));
        assertThat(tree.get("name").asText()).isEqualTo("mmgeo");
        assertThat(tree.get("env").asText()).isEqualTo("production");
    }

    @Test
    void configuredNameAndEnvWinOverTheEnvironment() {
        ObjectNode tree = Json.object().put("name", "uaparser").put("env", "production");
        apply(tree, Map.of("NAME", "other", "ENV", "development"));
        assertThat(tree.get("name").asText()).isEqualTo("uaparser");
        assertThat(tree.get("env").asText()).isEqualTo("production");
    }

    @Test
    void blankHostNameFallsBackToBand() {
        ObjectNode tree = Json.object();
        new ConfigDefaults(() -> "").apply(tree, Map.of("NAME", ""), problems);
        assertThat(tree.get("name").asText()).isEqualTo("band");
    }

    @Test
    void systemDefaultsNameTheServiceAfterThisHost() {
        ObjectNode tree = Json.object();
        ConfigDefaults.system().apply(tree, Map.of(), problems);
        assertThat(tree.get("name").asText()).isEqualTo(thisHost());
    }

    /** This machine's name as the JDK reports it, found independently of the code under test. */
    static String thisHost() {
        try {
            String name = java.net.InetAddress.getLocalHost().getHostName();
            return name.isBlank() ? "band" : name;
        } catch (java.io.IOException e) {
            return "band";
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "0.0.0.0:|0.0.0.0:8080",
                ":9000|0.0.0.0:9000",
                ":|0.0.0.0:8080",
                "''|0.0.0.0:8080",
                "127.0.0.1:9000|127.0.0.1:9000",
                "localhost|localhost:8080",
                "9000|0.0.0.0:9000",
                "[::1]:9000|[::1]:9000",
                "[::]|[::]:8080",
                "' 10.0.0.1 : 81 '|10.0.0.1:81",
            })
    void normalisesListen(String listen, String expected) {
        assertThat(apply(Json.object().put("listen", listen), Map.of())
                        .get("listen")
                        .asText())
                .isEqualTo(expected);
        assertThat(problems.list()).isEmpty();
    }

    @Test
    void numericListenIsAPort() {
        assertThat(apply(Json.object().put("listen", 8081), Map.of())
                        .get("listen")
                        .asText())
                .isEqualTo("0.0.0.0:8081");
    }

    @Test
    void badPortsAreProblems() {
        apply(Json.object().put("listen", "0.0.0.0:abc"), Map.of());
        apply(Json.object().put("listen", "host:70000"), Map.of());
        assertThat(apply(Json.object().put("listen", "127.0.0.1:0"), Map.of())
                        .get("listen")
                        .asText())
                .isEqualTo("127.0.0.1:0");
        apply(Json.object().put("listen", "::1"), Map.of());
        String fix = ": use host:port with a port from 0 to 65535 (0 picks a free port), e.g. '0.0.0.0:8080'";
        assertThat(problems.list())
                .containsExactly(
                        "Invalid port 'abc' in listen address '0.0.0.0:abc' for setting 'listen'" + fix,
                        "Invalid port '70000' in listen address 'host:70000' for setting 'listen'" + fix,
                        "Ambiguous listen address '::1' for setting 'listen': write an IPv6 host in brackets, e.g. '[::1]:8080'");
    }
}
