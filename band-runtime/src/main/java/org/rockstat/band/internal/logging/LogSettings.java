package org.rockstat.band.internal.logging;

import ch.qos.logback.classic.Level;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.rockstat.band.internal.config.EnvVar;
import org.rockstat.band.internal.problem.Problems;

/**
 * What the environment asks of logging.
 *
 * @param level        the root level ({@code LOG_LEVEL})
 * @param libsLevel    the level of the libraries' own loggers ({@code LOG_LEVEL_LIBS}); at most
 *                     as verbose as {@code warn} unless set, so {@code LOG_LEVEL=debug} debugs
 *                     Band, not Netty
 * @param format       the line format ({@code LOG_FORMAT}; {@code JSON_LOGS=true} means json
 *                     when {@code LOG_FORMAT} is unset); text when unknown, which start-up reports
 * @param service      the service's name on every line, or {@code null} when not known yet
 * @param env          the service's environment on every line, or {@code null}
 * @param invalidLevel the LOG_LEVEL value that could not be used, or null
 */
record LogSettings(Level level, Level libsLevel, LogFormat format, String service, String env, String invalidLevel) {
    static final String LOG_LEVEL = EnvVar.LOG_LEVEL.name();
    static final String JSON_LOGS = EnvVar.JSON_LOGS.name();
    static final String LOG_FORMAT = EnvVar.LOG_FORMAT.name();
    static final String LOG_LEVEL_LIBS = EnvVar.LOG_LEVEL_LIBS.name();

    private static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error");
    private static final Set<String> TRUE = Set.of("true", "yes", "1");

    /** From {@code env} alone: the service named by {@code NAME} and {@code ENV} when set. */
    static LogSettings from(Map<String, String> env) {
        return from(env, EnvVar.NAME.in(env), EnvVar.ENV.in(env));
    }

    static LogSettings from(Map<String, String> env, String service, String environment) {
        String raw = env.get(LOG_LEVEL);
        Level level = level(raw);
        String invalid = raw != null && !raw.isBlank() && level == null ? raw : null;
        Level root = level == null ? Level.INFO : level;
        Level libs = level(EnvVar.LOG_LEVEL_LIBS.in(env));
        if (libs == null) {
            libs = root.isGreaterOrEqual(Level.WARN) ? root : Level.WARN;
        }
        return new LogSettings(root, libs, format(env), service, environment, invalid);
    }

    /**
     * Adds a start-up problem for each logging variable Band cannot use ({@code LOG_FORMAT},
     * {@code LOG_LEVEL_LIBS}); a bad {@code LOG_LEVEL} is only warned about, as it always was.
     */
    static void check(Map<String, String> env, Problems problems) {
        String format = EnvVar.LOG_FORMAT.in(env);
        if (format != null && LogFormat.parse(format).isEmpty()) {
            problems.add(
                    "Unknown log format '" + shown(format) + "'",
                    Problems.Where.variable(LOG_FORMAT),
                    "use " + LogFormat.choices() + " (unset: text, or json with JSON_LOGS=true)");
        }
        String libs = EnvVar.LOG_LEVEL_LIBS.in(env);
        if (libs != null && level(libs) == null) {
            problems.add(
                    "Unknown log level '" + shown(libs) + "'",
                    Problems.Where.variable(LOG_LEVEL_LIBS),
                    "use trace, debug, info, warn or error (unset: warn, the level Netty and Lettuce are quiet at)");
        }
    }

    /** The format asked for: {@code LOG_FORMAT}, else json when {@code JSON_LOGS} is true, else text. */
    private static LogFormat format(Map<String, String> env) {
        String format = EnvVar.LOG_FORMAT.in(env);
        if (format != null) {
            return LogFormat.parse(format).orElse(LogFormat.TEXT);
        }
        String json = env.getOrDefault(JSON_LOGS, "").strip().toLowerCase(Locale.ROOT);
        return TRUE.contains(json) ? LogFormat.JSON : LogFormat.TEXT;
    }

    /** The level {@code value} names, or {@code null} when unset or not a level. */
    private static Level level(String value) {
        if (value == null) {
            return null;
        }
        String name = value.strip().toLowerCase(Locale.ROOT);
        return LEVELS.contains(name) ? Level.toLevel(name) : null;
    }

    private static String shown(String value) {
        String stripped = value.strip();
        return stripped.length() > 40 ? stripped.substring(0, 40) + "..." : stripped;
    }
}
