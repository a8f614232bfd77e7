package org.rockstat.band.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Lays {@code custom.yml} over {@code config.yaml}: mappings merge key by key, recursively;
 * any other value (scalar, list, null) replaces what was there. A private override file then
 * only needs the keys it changes.
 */
public final class DeepMerge {
    private DeepMerge() {}

    /** A new tree: {@code over} merged into a copy of {@code base}; neither input is changed. */
    public static ObjectNode merge(ObjectNode base, ObjectNode over) {
        ObjectNode result = base.deepCopy();
        mergeInto(result, over);
        return result;
    }

    private static void mergeInto(ObjectNode target, ObjectNode over) {
        for (Map.Entry<String, JsonNode> entry : over.properties()) {
            JsonNode existing = target.get(entry.getKey());
            JsonNode value = entry.getValue();
            if (existing instanceof ObjectNode existingObject && value instanceof ObjectNode valueObject) {
                mergeInto(existingObject, valueObject);
            } else {
                target.set(entry.getKey(), value.deepCopy());
            }
        }
    }
}
