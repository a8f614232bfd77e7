package org.rockstat.band.job;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a periodic task runs: a fixed period ({@link #every(String)}) or a five-field Unix cron
 * expression ({@link #cron(String)}).
 *
 * <pre>{@code
 * Schedule.every("30s");          // also "500ms", "5m", "1h", "1d", "PT30S"
 * Schedule.cron("0 * * * *");     // hourly
 * }</pre>
 */
public sealed interface Schedule {

    /**
     * The first run at or after {@code now}'s next slot; {@code previous} is the last planned run
     * (null before the first).
     */
    ZonedDateTime next(ZonedDateTime previous, ZonedDateTime now);

    /** A fixed period; the first run is right after start-up. */
    static Schedule every(String period) {
        return new Every(parseDuration(period));
    }

    /** A fixed period; the first run is right after start-up. */
    static Schedule every(Duration period) {
        return new Every(period);
    }

    /** A Unix cron schedule (minute hour day-of-month month day-of-week), in local time. */
    static Schedule cron(String expression) {
        return new Cron(expression);
    }

    /** Runs every {@code period}. */
    record Every(Duration period) implements Schedule {
        public Every {
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("the period must be positive, got " + period);
            }
        }

        @Override
        public ZonedDateTime next(ZonedDateTime previous, ZonedDateTime now) {
            if (previous == null) {
                return now;
            }
            ZonedDateTime next = previous.plus(period);
            // a run that overran skips the slots it covered rather than firing them back to back
            while (next.isBefore(now)) {
                next = next.plus(period);
            }
            return next;
        }

        @Override
        public String toString() {
            return "every " + period.toString().substring(2).toLowerCase(Locale.ROOT);
        }
    }

    /** Runs at the times a cron expression gives. */
    record Cron(String expression) implements Schedule {
        private static final CronParser PARSER =
                new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

        public Cron {
            // parse once here so a bad expression fails at start-up, with cron-utils' reason
            PARSER.parse(expression).validate();
        }

        @Override
        public ZonedDateTime next(ZonedDateTime previous, ZonedDateTime now) {
            ZonedDateTime from = previous != null && previous.isAfter(now) ? previous : now;
            Optional<ZonedDateTime> next =
                    ExecutionTime.forCron(PARSER.parse(expression)).nextExecution(from);
            return next.orElseThrow(() -> new IllegalStateException("cron '" + expression + "' has no next run"));
        }

        @Override
        public String toString() {
            return "cron '" + expression + "'";
        }
    }

    /**
     * Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, combinations like
     * {@code 1h30m}, or ISO-8601 ({@code PT30S}).
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    static Duration parseDuration(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("p")) {
            try {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 duration");
            }
        }
        Matcher part = Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (part.find() && part.start() == end) {
            long amount = Long.parseLong(part.group(1));
            total = total.plus(
                    switch (part.group(2)) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        case "h" -> Duration.ofHours(amount);
                        default -> Duration.ofDays(amount);
                    });
            end = part.end();
        }
        if (value.isEmpty() || end != value.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration");
        }
        return total;
    }
}
