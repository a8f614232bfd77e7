package org.rockstat.band.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.problem.Problems.Where;

/**
 * Reads Band's own {@link ConfigKey}s from the settings, typed and range-checked, reporting every
 * bad value to one {@link Problems} and answering the fallback for it, so that all mistakes are
 * found in one pass. Messages quote the value (masked when secret-looking) and give a fix such as
 * {@code e.g. 'max_in_flight: 200' under 'rpc'}.
 */
public final class ConfigReader {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-z]*)");
    private static final int SHOWN_LIMIT = 80;

    private final Settings settings;
    private final Problems problems;

    /** A reader over {@code settings} that records problems in {@code problems}. */
    public ConfigReader(Settings settings, Problems problems) {
        this.settings = settings;
        this.problems = problems;
    }

    /** The key's value (its older name when only that is set), or a missing node. */
    public JsonNode node(ConfigKey key) {
        JsonNode node = settings.node(key.path());
        if (absent(node) && key.olderPath().isPresent()) {
            node = settings.node(key.olderPath().get());
        }
        return node == null ? MissingNode.getInstance() : node;
    }

    /** Text, or {@code fallback} when absent or blank. */
    public String text(ConfigKey key, String fallback) {
        JsonNode node = node(key);
        if (absent(node) || (node.isValueNode() && node.asText().isBlank())) {
            return fallback;
        }
        if (!node.isValueNode()) {
            bad(key, node, "is not text", "write it as text, e.g. " + example(key, "value"));
            return fallback;
        }
        return node.asText().strip();
    }

    /** One of {@code allowed} (lower-cased text), or {@code fallback} when absent or blank. */
    public String oneOf(ConfigKey key, String fallback, List<String> allowed, String what) {
        String value = text(key, fallback).toLowerCase(Locale.ROOT);
        if (allowed.contains(value)) {
            return value;
        }
        bad(
                key,
                node(key),
                "is not " + what,
                "give one of " + String.join(", ", allowed) + ", e.g. " + example(key, fallback));
        return fallback;
    }

    /** A yes/no flag ({@link Flags}), or {@code fallback} when absent. */
    public boolean flag(ConfigKey key, boolean fallback) {
        JsonNode node = node(key);
        if (absent(node)) {
            return fallback;
        }
        return Flags.parse(node).orElseGet(() -> {
            bad(key, node, "is not a yes/no value", "write true or false, e.g. " + example(key, "true"));
            return fallback;
        });
    }

    /** A whole number from {@code min} to {@code max}, or {@code fallback} when absent. */
    public long number(ConfigKey key, long fallback, long min, long max) {
        JsonNode node = node(key);
        if (absent(node)) {
            return fallback;
        }
        Long value = null;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            value = node.longValue();
        } else if (node.isTextual() && node.textValue().strip().matches("-?\\d{1,18}")) {
            value = Long.parseLong(node.textValue().strip());
        }
        if (value == null) {
            bad(
                    key,
                    node,
                    "is not a whole number",
                    "give a number from " + min + " to " + max + ", e.g. " + example(key, String.valueOf(fallback)));
            return fallback;
        }
        if (value < min || value > max) {
            bad(
                    key,
                    node,
                    "is out of range",
                    "give " + min + " to " + max + ", e.g. " + example(key, String.valueOf(fallback)));
            return fallback;
        }
        return value;
    }

    /** {@link #number} for an {@code int}. */
    public int integer(ConfigKey key, int fallback, int min, int max) {
        return (int) number(key, fallback, min, max);
    }

    /**
     * Bytes from a number or a size text: {@code 512}, {@code 512B}, {@code 64KB} (1000s),
     * {@code 64KiB} (1024s), {@code 2MB}, {@code 1MiB}, {@code 1GB}, {@code 1GiB}; from 1 byte
     * to 2 GiB.
     */
    public int bytes(ConfigKey key, int fallback, String sample) {
        JsonNode node = node(key);
        if (absent(node)) {
            return fallback;
        }
        long bytes;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            bytes = node.longValue();
        } else {
            Matcher m = SIZE.matcher(node.asText().trim().toLowerCase(Locale.ROOT));
            Long unit = m.matches() && node.isTextual() ? unit(m.group(2)) : null;
            Long amount = unit == null ? null : parseOrNull(m.group(1));
            if (unit == null || amount == null || Long.MAX_VALUE / unit < amount) {
                bad(
                        key,
                        node,
                        "is not a size",
                        "give bytes or a size like 512KiB, 1MiB or 2MB, e.g. " + example(key, sample));
                return fallback;
            }
            bytes = amount * unit;
        }
        if (bytes < 1 || bytes > Integer.MAX_VALUE) {
            bad(key, node, "is out of range", "give 1 byte to 2GiB, e.g. " + example(key, sample));
            return fallback;
        }
        return (int) bytes;
    }

    /** A list of texts, or one comma-separated text; each stripped, empty ones dropped. */
    public List<String> list(ConfigKey key, List<String> fallback, String what, String sample) {
        JsonNode node = node(key);
        if (absent(node)) {
            return fallback;
        }
        List<String> out = new ArrayList<>();
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else if (node.isTextual()) {
            for (String part : node.textValue().split(",", -1)) {
                items.add(com.fasterxml.jackson.databind.node.TextNode.valueOf(part));
            }
        } else {
            items.add(node);
        }
        for (JsonNode item : items) {
            if (!item.isTextual()) {
                bad(key, node, "is not a list of " + what, "give " + sample);
                return fallback;
            }
            String text = item.textValue().strip();
            if (!text.isEmpty()) {
                out.add(text);
            }
        }
        return out;
    }

    private void bad(ConfigKey key, JsonNode node, String what, String fix) {
        String shown = SecretMasker.mask(key.path(), node).toString();
        if (shown.length() > SHOWN_LIMIT) {
            shown = shown.substring(0, SHOWN_LIMIT) + "...";
        }
        problems.add("Setting '" + key.path() + "' = " + shown + " " + what, Where.configFile(), fix);
    }

    /** {@code 'max_in_flight: 200' under 'rpc'}. */
    static String example(ConfigKey key, String value) {
        String path = key.path();
        int dot = path.lastIndexOf('.');
        return dot < 0
                ? "'" + path + ": " + value + "'"
                : "'" + path.substring(dot + 1) + ": " + value + "' under '" + path.substring(0, dot) + "'";
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull();
    }

    private static Long unit(String suffix) {
        return switch (suffix) {
            case "", "b" -> 1L;
            case "k", "kb" -> 1000L;
            case "kib" -> 1024L;
            case "m", "mb" -> 1000L * 1000;
            case "mib" -> 1024L * 1024;
            case "g", "gb" -> 1000L * 1000 * 1000;
            case "gib" -> 1024L * 1024 * 1024;
            default -> null;
        };
    }

    private static Long parseOrNull(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
