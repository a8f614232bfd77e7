package org.rockstat.band.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;

/**
 * The one reading of a yes/no value, for YAML and environment variables alike: {@code true},
 * {@code yes}, {@code y}, {@code on}, {@code 1} and their opposites, in any case. YAML 1.1 already
 * turns unquoted {@code yes} into a boolean; a quoted one or an environment value arrives as
 * text and reads the same here.
 */
public final class Flags {
    private Flags() {}

    /** The flag's value, or empty when the text is none of the accepted words. */
    public static Optional<Boolean> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "y", "on", "1" -> Optional.of(true);
            case "false", "no", "n", "off", "0", "" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    /** A boolean or flag text node; empty for anything else. */
    public static Optional<Boolean> parse(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (node.isBoolean()) {
            return Optional.of(node.booleanValue());
        }
        return node.isValueNode() ? parse(node.asText()) : Optional.empty();
    }

    /** True only for an accepted "yes" word. */
    public static boolean isTrue(String text) {
        return parse(text).orElse(false);
    }
}
