package org.rockstat.band.internal.transport;

import org.rockstat.band.config.Settings;

/** Chooses the transport from {@code redis_dsn}: Redis when set, the JVM-wide in-memory bus when empty or {@code memory://}. */
public final class Transports {
    private Transports() {
    }

    /**
     * The transport for these settings, already starting to connect. A Redis DSN never falls back
     * to memory: an unreachable Redis is retried until it answers.
     */
    public static Transport create(Settings settings) {
        String dsn = settings.redisDsn().orElse("");
        if (dsn.isBlank()) {
            return new MemoryTransport(MemoryBus.shared(), "no redis_dsn set");
        }
        if (Dsn.isMemory(dsn)) {
            String bus = dsn.trim().substring("memory:".length()).replaceFirst("^//", "");
            return new MemoryTransport(MemoryBus.named(bus), "redis_dsn is " + dsn.trim());
        }
        return new RedisTransport(dsn).start();
    }
}
