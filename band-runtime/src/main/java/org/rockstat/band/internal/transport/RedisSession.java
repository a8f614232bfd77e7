package org.rockstat.band.internal.transport;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One session of {@link RedisTransport}: a pub/sub connection for the subscriptions, a connection
 * for publishing (both with {@link MessageCodec}: messages as bytes), and what the watchdog knows
 * of them. A session is never reused: when it ends,
 * the transport opens a new one.
 */
final class RedisSession {
    /** No such moment (yet). */
    static final long NONE = Long.MIN_VALUE;

    volatile StatefulRedisPubSubConnection<String, byte[]> sub;
    volatile StatefulRedisConnection<String, byte[]> pub;
    volatile Channel subChannel;
    volatile Channel pubChannel;
    /** When anything last arrived on the subscription. */
    volatile long lastHeardNanos = NONE;
    /** When Redis last took a canary and counted a subscriber for it (this session's subscription). */
    volatile long lastCanaryTakenNanos = NONE;
    /** When the oldest canary not yet back was written, or {@link #NONE}. */
    final AtomicLong askingSinceNanos = new AtomicLong(NONE);
    /** A canary came back in this session: it hears. */
    volatile boolean proven;

    final AtomicBoolean ended = new AtomicBoolean();
    final AtomicBoolean closed = new AtomicBoolean();
    final Set<String> subscribed = ConcurrentHashMap.newKeySet();
    final AtomicLong canarySeq = new AtomicLong();

    /** A canary went out: the wait for it starts now, unless one is already awaited. */
    void canaryWritten(long now) {
        askingSinceNanos.compareAndSet(NONE, now);
    }

    /** A canary came back: every earlier one is answered (a later one waits at most a period more). */
    void canaryArrived() {
        askingSinceNanos.set(NONE);
    }

    /**
     * Why this session counts as deaf at {@code now}, or null while it hears. The clock runs from
     * the first canary <em>written</em> and not yet back, so a writer starved of CPU (our own
     * delay, not the network's) is never taken for deafness. Under a burst a written canary waits
     * behind thousands of messages in the socket, or behind reading paused for back-pressure, so
     * two weaker proofs also hold a proven session: Redis took our recent canaries with a
     * subscriber counted (the publish path works and Redis knows our subscription) <em>and</em>
     * messages keep arriving; or Redis took them while we chose not to read. A half-open
     * subscription fails both (nothing arrives), a dead publish connection too (nothing is taken).
     */
    String deafness(long now, long timeoutNanos, boolean readingPaused) {
        long asking = askingSinceNanos.get();
        if (asking == NONE || now - asking <= timeoutNanos) {
            return null;
        }
        long waited = millis(now - asking);
        if (!proven) {
            return "no canary came back within " + waited + " ms";
        }
        boolean taken = recent(lastCanaryTakenNanos, now, timeoutNanos);
        boolean heard = recent(lastHeardNanos, now, timeoutNanos);
        if (taken && (heard || readingPaused)) {
            return null;
        }
        return "deaf: no canary came back for " + waited + " ms";
    }

    private static boolean recent(long at, long now, long windowNanos) {
        return at != NONE && now - at <= windowNanos;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /** Reading the subscription is paused ({@link ReadGate}): nothing can arrive, by our choice. */
    boolean readingPaused() {
        Channel channel = subChannel;
        ReadGate gate = channel == null ? null : channel.pipeline().get(ReadGate.class);
        return gate != null && gate.paused();
    }

    /** Stops or resumes reading the subscription's socket (TCP back-pressure: Redis holds the rest): {@link ReadGate}. */
    void readSubscriptions(boolean on) {
        Channel channel = subChannel;
        ReadGate gate = channel == null ? null : channel.pipeline().get(ReadGate.class);
        if (gate != null) {
            if (on) {
                // nothing could arrive while we did not read: the clock of the weaker proof starts again
                lastHeardNanos = System.nanoTime();
                gate.resume();
            } else {
                gate.pause();
            }
        }
    }
}
