package org.rockstat.band.internal.config;

/**
 * Every environment variable Band itself reads (templates in {@code config.yaml} may read any
 * other). A test checks each one is listed in {@code .env.example}.
 */
public enum EnvVar {
    /** The service name when {@code config.yaml} has none. */
    NAME,
    /** The environment when {@code config.yaml} has none. */
    ENV,
    /** The root log level. */
    LOG_LEVEL,
    /** One JSON object per log line. */
    JSON_LOGS,
    /** StatsD's host when {@code config.yaml} has no {@code metrics.statsd.host} (as front reads it). */
    STATSD_HOST,
    /** StatsD's port when {@code config.yaml} has no {@code metrics.statsd.port}. */
    STATSD_PORT,
    /** The log line format: text, json, ecs, logstash. */
    LOG_FORMAT,
    /** The level of the libraries' own loggers (Netty, Lettuce, Reactor). */
    LOG_LEVEL_LIBS,
    /** {@code redis_tls.ca_file} when {@code config.yaml} has none. */
    REDIS_TLS_CA_FILE,
    /** {@code redis_tls.cert_file} when {@code config.yaml} has none. */
    REDIS_TLS_CERT_FILE,
    /** {@code redis_tls.key_file} when {@code config.yaml} has none. */
    REDIS_TLS_KEY_FILE;

    /** The value in {@code env}, or {@code null} when unset or blank. */
    public String in(java.util.Map<String, String> env) {
        String value = env.get(name());
        return value == null || value.isBlank() ? null : value;
    }
}
