package org.rockstat.band.internal.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.problem.Problems.Where;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Parses rendered config text as YAML 1.1 (so {@code yes} is {@code true}, as in the Python
 * services) with a safe loader, into a Jackson tree the rest of Band reads. Syntax errors are
 * reported with file, line and column, and a hint for the usual mistakes.
 */
public final class YamlFiles {
    private YamlFiles() {}

    /**
     * The top-level mapping of {@code text}; an empty document is an empty mapping. Empty when
     * a problem was recorded.
     */
    public static Optional<ObjectNode> parse(String text, Path file, Problems problems) {
        Object document;
        try {
            document = new Yaml(new TextTimestamps(new LoaderOptions())).load(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            problems.add(
                    "YAML syntax error (" + problem + ")",
                    mark == null ? Where.file(file, 0, 0) : Where.file(file, mark.getLine() + 1, mark.getColumn() + 1),
                    hint(problem));
            return Optional.empty();
        } catch (YAMLException e) {
            problems.add("YAML error (" + e.getMessage() + ")", Where.file(file, 0, 0), hint(""));
            return Optional.empty();
        }
        if (document == null) {
            return Optional.of(Json.object());
        }
        if (!(document instanceof Map<?, ?>)) {
            problems.add(
                    "Top level is " + kind(document) + ", not a mapping of settings",
                    Where.file(file, 0, 0),
                    "write settings as 'key: value' lines, e.g. 'name: mmgeo'");
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().valueToTree(document));
        } catch (IllegalArgumentException e) {
            problems.add(
                    "Unsupported YAML value (" + e.getMessage() + ")",
                    Where.file(file, 0, 0),
                    "use plain mappings, lists, strings, numbers and booleans, with non-empty keys");
            return Optional.empty();
        }
    }

    private static String hint(String problem) {
        if (problem == null) {
            return "fix the YAML";
        }
        if (problem.contains("mapping values are not allowed")) {
            return "fix the YAML; values containing ': ' need quotes";
        }
        if (problem.contains("cannot start any token") && problem.contains("\\t")) {
            return "fix the YAML; indent with spaces, not tabs";
        }
        if (problem.contains("found character '@'") || problem.contains("found character '`'")) {
            return "fix the YAML; values starting with '@' or '`' need quotes";
        }
        return "fix the YAML; check indentation and quoting";
    }

    private static String kind(Object document) {
        if (document instanceof List<?>) {
            return "a list";
        }
        if (document instanceof String) {
            return "a single string";
        }
        return "a single value";
    }

    /** Safe construction, except timestamps stay as written rather than becoming Dates. */
    private static final class TextTimestamps extends SafeConstructor {
        TextTimestamps(LoaderOptions options) {
            super(options);
            this.yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
        }
    }
}
