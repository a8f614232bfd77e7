package org.rockstat.band.internal.logging;

import ch.qos.logback.classic.Level;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the environment asks of logging.
 *
 * @param level        the root level
 * @param json         one JSON object per line instead of readable lines
 * @param invalidLevel the LOG_LEVEL value that could not be used, or null
 */
record LogSettings(Level level, boolean json, String invalidLevel) {
    static final String LOG_LEVEL = "LOG_LEVEL";
    static final String JSON_LOGS = "JSON_LOGS";

    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error");
    private static final Set<String> TRUE = Set.of("true", "yes", "1");

    static LogSettings from(Map<String, String> env) {
        String json = env.getOrDefault(JSON_LOGS, "").trim().toLowerCase(Locale.ROOT);
        String raw = env.get(LOG_LEVEL);
        String level = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
        if (level.isEmpty()) {
            return new LogSettings(Level.INFO, TRUE.contains(json), null);
        }
        if (!LEVELS.contains(level)) {
            return new LogSettings(Level.INFO, TRUE.contains(json), raw);
        }
        return new LogSettings(Level.toLevel(level), TRUE.contains(json), null);
    }

    /** Whether chatty libraries (Netty, Lettuce, Reactor) should be held at WARN. */
    boolean quietLibraries() {
        // at debug/trace the user wants everything; at warn/error the root is already as strict
        return level == Level.INFO;
    }
}
