package org.rockstat.band.internal.transport;

import io.lettuce.core.RedisURI;
import org.rockstat.band.internal.config.SecretMasker;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.problem.Problems.Where;

/**
 * Chooses the transport from {@code redis_dsn}: Redis when set, an in-process bus when empty or
 * {@code memory://[name]}. A Redis DSN never falls back to memory: an unreachable Redis is
 * retried until it answers.
 */
public final class Transports {
    private Transports() {}

    /** The transport for {@code dsn} with the default options, not started; {@link #check} it first. */
    public static Transport create(String dsn) {
        return create(dsn, "band", TransportOptions.defaults());
    }

    /** The transport for {@code dsn} of service {@code name}, not started; {@link #check} it first. */
    public static Transport create(String dsn, String name, TransportOptions options) {
        String value = dsn == null ? "" : dsn.trim();
        if (value.isEmpty()) {
            return new MemoryTransport(MemoryBus.shared(), "no redis_dsn set");
        }
        if (isMemory(value)) {
            String bus = value.substring("memory:".length()).replaceFirst("^//", "");
            return new MemoryTransport(MemoryBus.named(bus), "redis_dsn is " + value);
        }
        return new RedisTransport(value, name, options);
    }

    /** Records a problem when {@code dsn} is neither empty, {@code memory://} nor a Redis URI Lettuce reads. */
    public static void check(String dsn, Problems problems) {
        String value = dsn == null ? "" : dsn.trim();
        if (value.isEmpty() || isMemory(value)) {
            return;
        }
        try {
            parseRedisUri(value);
        } catch (IllegalArgumentException e) {
            problems.add(
                    "Invalid redis_dsn '" + SecretMasker.maskText(value) + "' (" + e.getMessage() + ")",
                    Where.setting("redis_dsn"),
                    "use redis://host:port/db, redis://user:password@host:port, rediss://host:port (TLS), "
                            + "redis-sentinel://host:port,host:port#master (Sentinel), "
                            + "or leave it empty for the in-process bus");
        }
    }

    /** True for {@code memory:} DSNs. */
    public static boolean isMemory(String dsn) {
        return dsn.startsWith("memory:");
    }

    static RedisURI parseRedisUri(String dsn) {
        if (!dsn.matches("(?i)^rediss?(-sentinel)?(\\+socket)?://.*")) {
            throw new IllegalArgumentException("it does not start with redis:// or rediss://");
        }
        try {
            return RedisURI.create(dsn);
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IllegalArgumentException(SecretMasker.maskText(message), e);
        }
    }
}
