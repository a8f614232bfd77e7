package org.rockstat.band.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.problem.Problems;

class YamlFilesTest {
    private static final Path FILE = Path.of("/srv/app/config.yaml");
    private final Problems problems = new Problems();

    private Optional<ObjectNode> parse(String text) {
        return YamlFiles.parse(text, FILE, problems);
    }

    @Test
    void usesYaml11Booleans() {
        assertThat(parse("a: yes\nb: no\nc: on\nd: off\ne: true\nf: 'yes'\n").orElseThrow())
                .isEqualTo(Json.tree(Map.of("a", true, "b", false, "c", true, "d", false, "e", true, "f", "yes")));
    }

    @Test
    void keepsTypesNestingAndTimestampsAsText() {
        assertThat(parse("n: 1\nx: 1.5\ns: text\nnothing:\nlist: [1, two]\nm: {k: v}\nday: 2024-01-31\n")
                        .orElseThrow()
                        .toString())
                .isEqualTo("{\"n\":1,\"x\":1.5,\"s\":\"text\",\"nothing\":null,\"list\":[1,\"two\"],"
                        + "\"m\":{\"k\":\"v\"},\"day\":\"2024-01-31\"}");
    }

    @Test
    void emptyDocumentIsAnEmptyMapping() {
        assertThat(parse("# only a comment\n").orElseThrow()).isEmpty();
        assertThat(parse("").orElseThrow()).isEmpty();
    }

    @Test
    void syntaxErrorNamesFileLineAndColumn() {
        assertThat(parse("name: x\nprops:\n  key: key\n  ip: td: ip\n")).isEmpty();
        assertThat(problems.list())
                .containsExactly("YAML syntax error (mapping values are not allowed here)"
                        + " in config.yaml at line 4, column 9: fix the YAML; values containing ': ' need quotes");
    }

    @Test
    void tabIndentationGetsAHint() {
        assertThat(parse("a:\n\tb: 1\n")).isEmpty();
        assertThat(problems.list())
                .containsExactly("YAML syntax error (found character '\\t(TAB)' that cannot"
                        + " start any token. (Do not use \\t(TAB) for indentation)) in config.yaml at line 2, column 1:"
                        + " fix the YAML; indent with spaces, not tabs");
    }

    @Test
    void topLevelMustBeAMapping() {
        assertThat(parse("- a\n- b\n")).isEmpty();
        assertThat(parse("just text\n")).isEmpty();
        assertThat(problems.list())
                .isEqualTo(List.of(
                        "Top level is a list, not a mapping of settings in config.yaml:"
                                + " write settings as 'key: value' lines, e.g. 'name: mmgeo'",
                        "Top level is a single string, not a mapping of settings in config.yaml:"
                                + " write settings as 'key: value' lines, e.g. 'name: mmgeo'"));
    }

    @Test
    void refusesArbitraryJavaTypes() {
        assertThat(parse("x: !!java.io.File [/tmp]\n")).isEmpty();
        assertThat(problems.list()).singleElement().asString().startsWith("YAML syntax error (");
    }
}
