package org.rockstat.band.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.internal.json.Json;

class DeepMergeTest {
    private static ObjectNode tree(Map<String, ?> values) {
        return (ObjectNode) Json.tree(values);
    }

    @Test
    void mergesMapsRecursivelyAndReplacesEverythingElse() {
        ObjectNode base = tree(Map.of(
                "name",
                "base",
                "db",
                Map.of("file", "a.mmdb", "pool", Map.of("size", 4, "timeout", 5)),
                "hosts",
                List.of("a", "b"),
                "keep",
                true));
        ObjectNode over = tree(
                Map.of("name", "over", "db", Map.of("pool", Map.of("size", 8)), "hosts", List.of("c"), "extra", 1));
        assertThat(DeepMerge.merge(base, over))
                .isEqualTo(tree(Map.of(
                        "name",
                        "over",
                        "db",
                        Map.of("file", "a.mmdb", "pool", Map.of("size", 8, "timeout", 5)),
                        "hosts",
                        List.of("c"),
                        "keep",
                        true,
                        "extra",
                        1)));
    }

    @Test
    void aScalarReplacesAMapAndAMapReplacesAScalar() {
        ObjectNode base = tree(Map.of("a", Map.of("x", 1), "b", "text"));
        ObjectNode over = tree(Map.of("a", "flat", "b", Map.of("y", 2)));
        assertThat(DeepMerge.merge(base, over)).isEqualTo(tree(Map.of("a", "flat", "b", Map.of("y", 2))));
    }

    @Test
    void nullReplaces() {
        ObjectNode over = Json.object().putNull("a");
        assertThat(DeepMerge.merge(tree(Map.of("a", 1)), over)).isEqualTo(over);
    }

    @Test
    void inputsAreNotChanged() {
        ObjectNode base = tree(Map.of("db", Map.of("size", 1)));
        ObjectNode over = tree(Map.of("db", Map.of("size", 2)));
        ObjectNode merged = DeepMerge.merge(base, over);
        ((ObjectNode) merged.get("db")).put("size", 3);
        assertThat(base).isEqualTo(tree(Map.of("db", Map.of("size", 1))));
        assertThat(over).isEqualTo(tree(Map.of("db", Map.of("size", 2))));
    }
}
