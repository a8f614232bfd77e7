package org.rockstat.band.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rockstat.band.config.Settings;

/**
 * Resolves {@code ${setting.path}} placeholders in annotation values from the settings, so an
 * enricher can take its keys and props from config.yaml as the Python mmgeo service does.
 * A value that is exactly one placeholder may name a list (keys) or a map (props).
 */
final class Placeholders {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private final Settings settings;
    private Set<String> knownPaths;

    Placeholders(Settings settings) {
        this.settings = settings;
    }

    /** Text with every placeholder replaced; unknown ones are reported to {@code unknown}. */
    String text(String value, Consumer<String> unknown) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode node = lookup(m.group(1), unknown);
            m.appendReplacement(out, Matcher.quoteReplacement(node == null ? "" : scalar(node)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Values that may each be a placeholder naming a list: expanded in place. */
    List<String> list(String[] values, Consumer<String> unknown) {
        List<String> out = new ArrayList<>();
        for (String value : values) {
            JsonNode whole = whole(value, unknown);
            if (whole != null && whole.isArray()) {
                whole.forEach(item -> out.add(scalar(item)));
            } else if (whole != null) {
                out.add(scalar(whole));
            } else if (!isWholePlaceholder(value)) {
                out.add(text(value, unknown));
            }
        }
        return out;
    }

    /**
     * {@code name=path} entries, or a placeholder naming a map. Entries without {@code =} are
     * reported to {@code malformed}.
     */
    Map<String, String> map(String[] values, Consumer<String> unknown, Consumer<String> malformed) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String value : values) {
            JsonNode whole = whole(value, unknown);
            if (whole != null && whole.isObject()) {
                whole.properties().forEach(e -> out.put(e.getKey(), scalar(e.getValue())));
                continue;
            }
            if (whole == null && isWholePlaceholder(value)) {
                continue; // unknown, already reported
            }
            String entry = whole != null ? scalar(whole) : text(value, unknown);
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                malformed.accept(value);
            } else {
                out.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
            }
        }
        return out;
    }

    /** Every dot path the settings define, for "did you mean" hints. */
    Set<String> knownPaths() {
        if (knownPaths == null) {
            knownPaths = new TreeSet<>();
            collect("", org.rockstat.band.internal.config.SettingsTrees.tree(settings), knownPaths);
        }
        return knownPaths;
    }

    private JsonNode whole(String value, Consumer<String> unknown) {
        Matcher m = PLACEHOLDER.matcher(value);
        return m.matches() ? lookup(m.group(1), unknown) : null;
    }

    private static boolean isWholePlaceholder(String value) {
        return PLACEHOLDER.matcher(value).matches();
    }

    private JsonNode lookup(String path, Consumer<String> unknown) {
        String key = path.trim();
        if (!key.isEmpty() && settings.has(key)) {
            return settings.node(key);
        }
        unknown.accept(key);
        return null;
    }

    private static String scalar(JsonNode node) {
        return node.isValueNode() ? node.asText() : node.toString();
    }

    private static void collect(String prefix, JsonNode node, Set<String> into) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                into.add(path);
                collect(path, e.getValue(), into);
            });
        }
    }
}
