package org.rockstat.band.internal.logging;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The line formats {@code LOG_FORMAT} names: readable text for people; for log collectors one
 * JSON object per line in Band's own short field names ({@code json}, what {@code JSON_LOGS=true}
 * has always written), in Elastic Common Schema ({@code ecs}, co.elastic.logging's encoder) or in
 * Logstash's field names ({@code logstash}, logstash-logback-encoder's defaults).
 */
enum LogFormat {
    TEXT,
    JSON,
    ECS,
    LOGSTASH;

    /** The name {@code LOG_FORMAT} takes. */
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format {@code value} names, ignoring case and surrounding blanks. */
    static Optional<LogFormat> parse(String value) {
        String id = value.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.id().equals(id)).findFirst();
    }

    /** {@code text, json, ecs or logstash}. */
    static String choices() {
        String all = Arrays.stream(values()).map(LogFormat::id).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return all.substring(0, last) + " or " + all.substring(last + 2);
    }
}
