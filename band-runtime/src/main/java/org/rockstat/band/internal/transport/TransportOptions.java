package org.rockstat.band.internal.transport;

import java.time.Duration;
import org.rockstat.band.internal.config.RuntimeConfig.RedisTls;

/**
 * How a transport proves it can hear and how much it holds.
 *
 * @param watchdogEvery   how often a canary goes round through Redis (publish connection out,
 *                        subscription in)
 * @param watchdogTimeout how long without a canary back before the subscription counts as deaf
 *                        and the connections are rebuilt
 * @param publishQueue    messages waiting to be written to Redis; a publisher waits for room, up
 *                        to {@code publishWait}
 * @param publishWait     how long a publisher waits for room before its message is dropped (and
 *                        counted)
 * @param maxInbox        messages received and not yet picked up; past it, or while half of
 *                        {@code publishQueue} is taken, the transport stops reading (TCP
 *                        back-pressure) until both are down to half
 * @param tls             the CA, client certificate and key files of a {@code rediss://} DSN
 */
public record TransportOptions(
        Duration watchdogEvery,
        Duration watchdogTimeout,
        int publishQueue,
        Duration publishWait,
        int maxInbox,
        RedisTls tls) {

    /** The options without TLS files (the JVM's CAs, no client certificate). */
    public TransportOptions(
            Duration watchdogEvery, Duration watchdogTimeout, int publishQueue, Duration publishWait, int maxInbox) {
        this(watchdogEvery, watchdogTimeout, publishQueue, publishWait, maxInbox, RedisTls.NONE);
    }

    /** The defaults: canary every second, deaf after 3 s, 10 000 queued publishes, 256 in the inbox. */
    public static TransportOptions defaults() {
        return new TransportOptions(Duration.ofSeconds(1), Duration.ofSeconds(3), 10_000, Duration.ofSeconds(5), 256);
    }
}
