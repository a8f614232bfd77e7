package org.rockstat.band.internal.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;

/** The two output formats: readable lines for people, JSON lines for log collectors. */
final class LogEncoders {
    /** {@code 2026-11-29 06:40:01.123 INFO  [band-worker-x] o.r.b.Band - message}, then any stack trace. */
    static final String READABLE_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{1} - %msg%n";

    private static final String IGNORE = LogstashFieldNames.IGNORE_FIELD_INDICATOR;

    private LogEncoders() {}

    static Encoder<ILoggingEvent> create(LoggerContext context, boolean json) {
        Encoder<ILoggingEvent> encoder = json ? json() : readable();
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> readable() {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setPattern(READABLE_PATTERN);
        return encoder;
    }

    /**
     * One object per line: {@code time}, {@code level}, {@code logger}, {@code thread},
     * {@code message}, MDC entries at the top level, and {@code exception} (the whole stack trace
     * as one string, so the line stays one line).
     */
    private static Encoder<ILoggingEvent> json() {
        LogstashFieldNames names = new LogstashFieldNames();
        names.setTimestamp("time");
        names.setLevel("level");
        names.setLogger("logger");
        names.setThread("thread");
        names.setMessage("message");
        names.setStackTrace("exception");
        names.setVersion(IGNORE);
        names.setLevelValue(IGNORE);
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setFieldNames(names);
        encoder.setIncludeContext(false);
        encoder.setIncludeMdc(true);
        return encoder;
    }
}
