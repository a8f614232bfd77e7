package org.rockstat.band.internal.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.Encoder;
import co.elastic.logging.logback.EcsEncoder;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.rockstat.band.internal.json.Json;

/**
 * The four line formats ({@link LogFormat}), each through a maintained encoder, each line
 * carrying the service's name and environment and the call's MDC.
 */
final class LogEncoders {
    /**
     * {@code 2026-11-29 06:40:01.123 INFO  [band-call-3] o.r.b.i.d.Dispatcher - message | service=uaparser env=production call.id=17 ...},
     * then any stack trace.
     */
    static final String READABLE_PATTERN =
            "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{1} - %msg%" + FieldsConverter.WORD + "%n";

    private static final String IGNORE = LogstashFieldNames.IGNORE_FIELD_INDICATOR;

    private LogEncoders() {}

    static Encoder<ILoggingEvent> create(LoggerContext context, LogSettings settings) {
        Encoder<ILoggingEvent> encoder = switch (settings.format()) {
            case TEXT -> readable(context);
            case JSON -> json(settings);
            case ECS -> ecs(settings);
            case LOGSTASH -> logstash(settings);
        };
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> readable(LoggerContext context) {
        @SuppressWarnings("unchecked")
        Map<String, Supplier<?>> registry =
                (Map<String, Supplier<?>>) context.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        if (registry == null) {
            registry = new HashMap<>();
            context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, registry);
        }
        registry.put(FieldsConverter.WORD, FieldsConverter::new);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setPattern(READABLE_PATTERN);
        return encoder;
    }

    /**
     * Band's short names, as {@code JSON_LOGS=true} always wrote them: {@code time}, {@code level},
     * {@code logger}, {@code thread}, {@code message}, {@code service}, {@code env}, MDC entries at
     * the top level, and {@code exception} (the whole stack trace as one string, so the line stays
     * one line).
     */
    private static Encoder<ILoggingEvent> json(LogSettings settings) {
        LogstashFieldNames names = new LogstashFieldNames();
        names.setTimestamp("time");
        names.setLevel("level");
        names.setLogger("logger");
        names.setThread("thread");
        names.setMessage("message");
        names.setStackTrace("exception");
        names.setVersion(IGNORE);
        names.setLevelValue(IGNORE);
        LogstashEncoder encoder = logstash(settings);
        encoder.setFieldNames(names);
        return encoder;
    }

    /** logstash-logback-encoder's own field names ({@code @timestamp}, {@code logger_name}, ...). */
    private static LogstashEncoder logstash(LogSettings settings) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setIncludeContext(false);
        encoder.setIncludeMdc(true);
        String identity = identity(settings);
        if (identity != null) {
            encoder.setCustomFields(identity);
        }
        return encoder;
    }

    /** {@code {"service":"uaparser","env":"production"}}, or {@code null} when neither is known. */
    private static String identity(LogSettings settings) {
        if (settings.service() == null && settings.env() == null) {
            return null;
        }
        var node = Json.object();
        if (settings.service() != null) {
            node.put(FieldsConverter.SERVICE, settings.service());
        }
        if (settings.env() != null) {
            node.put(FieldsConverter.ENV, settings.env());
        }
        return Json.write(node);
    }

    /**
     * Elastic Common Schema through co.elastic.logging's encoder: {@code @timestamp},
     * {@code log.level}, {@code message}, {@code ecs.version}, {@code service.name},
     * {@code service.environment}, {@code log.logger}, {@code process.thread.name},
     * {@code error.*} for a throwable; MDC entries as top-level fields, so {@code trace.id} and
     * {@code span.id} land in ECS's own.
     */
    private static Encoder<ILoggingEvent> ecs(LogSettings settings) {
        EcsEncoder encoder = new EcsEncoder();
        if (settings.service() != null) {
            encoder.setServiceName(settings.service());
        }
        if (settings.env() != null) {
            encoder.setServiceEnvironment(settings.env());
        }
        return encoder;
    }
}
