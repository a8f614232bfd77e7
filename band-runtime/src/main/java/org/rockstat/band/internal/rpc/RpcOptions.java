package org.rockstat.band.internal.rpc;

import java.time.Duration;
import org.rockstat.band.config.Settings;

/**
 * Tunables of the RPC endpoint, read from the {@code rpc} section of the settings.
 *
 * @param maxMessageBytes largest incoming message processed ({@code rpc.max_message_bytes}, default 1 MiB)
 * @param heartbeatDelay  first heartbeat after start ({@code rpc.heartbeat_delay_ms}, default 1000)
 * @param heartbeatEvery  heartbeat period ({@code rpc.heartbeat_every_ms}, default 5000)
 */
public record RpcOptions(int maxMessageBytes, Duration heartbeatDelay, Duration heartbeatEvery) {
    /** Default {@code rpc.max_message_bytes}: 1 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

    public RpcOptions {
        if (maxMessageBytes < 64) {
            throw new IllegalArgumentException("rpc.max_message_bytes must be at least 64, got " + maxMessageBytes);
        }
        if (heartbeatEvery.isZero() || heartbeatEvery.isNegative()) {
            throw new IllegalArgumentException("rpc.heartbeat_every_ms must be positive, got " + heartbeatEvery.toMillis());
        }
    }

    /** The defaults: 1 MiB, first heartbeat after 1 s, then every 5 s (PROTOCOL §4.1). */
    public static RpcOptions defaults() {
        return new RpcOptions(DEFAULT_MAX_MESSAGE_BYTES, Duration.ofSeconds(1), Duration.ofSeconds(5));
    }

    /** Options from {@code rpc.*} settings, defaults for what is missing. */
    public static RpcOptions from(Settings settings) {
        RpcOptions d = defaults();
        return new RpcOptions(
                settings.get("rpc.max_message_bytes", Integer.class, d.maxMessageBytes()),
                Duration.ofMillis(settings.get("rpc.heartbeat_delay_ms", Long.class, d.heartbeatDelay().toMillis())),
                Duration.ofMillis(settings.get("rpc.heartbeat_every_ms", Long.class, d.heartbeatEvery().toMillis())));
    }

    /** A copy with other heartbeat timings (tests use short ones). */
    public RpcOptions withHeartbeat(Duration delay, Duration every) {
        return new RpcOptions(maxMessageBytes, delay, every);
    }

    /** A copy with another message size limit. */
    public RpcOptions withMaxMessageBytes(int bytes) {
        return new RpcOptions(bytes, heartbeatDelay, heartbeatEvery);
    }
}
