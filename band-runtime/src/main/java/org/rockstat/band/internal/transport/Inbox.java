package org.rockstat.band.internal.transport;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.rockstat.band.internal.report.RateLimitedLog;
import org.slf4j.LoggerFactory;

/**
 * Incoming pub/sub messages of {@link RedisTransport}: each is first shown to its listener on the
 * receiving thread ({@link MessageListener#arrive}, in Redis's order), then its work is handed to
 * a virtual thread. When {@code maxInbox} of them wait to be picked up, the session's socket
 * stops being read until half are: Redis holds the rest, instead of this JVM holding an unbounded
 * number of threads.
 */
final class Inbox {
    private final ThreadFactory deliveryThreads =
            Thread.ofVirtual().name("band-rpc-in-", 0).factory();
    private final RateLimitedLog rateLimited =
            new RateLimitedLog(LoggerFactory.getLogger(RedisTransport.class), Duration.ofSeconds(10));
    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final int maxInbox;

    Inbox(int maxInbox) {
        this.maxInbox = maxInbox;
    }

    void deliver(RedisSession s, MessageListener target, String channel, String message) {
        if (backlog.incrementAndGet() >= maxInbox && paused.compareAndSet(false, true)) {
            s.readSubscriptions(false);
            rateLimited.warn(
                    "inbox-full",
                    "Redis messages arrive faster than they are taken ({} waiting): reading paused until half are taken",
                    backlog.get());
        }
        // on the event loop: the listener sees every channel's messages in Redis's order
        Runnable work = target.arrive(channel, message);
        deliveryThreads
                .newThread(() -> {
                    if (backlog.decrementAndGet() <= maxInbox / 2 && paused.compareAndSet(true, false)) {
                        s.readSubscriptions(true);
                    }
                    work.run();
                })
                .start();
    }

    /** Messages handed over and not yet picked up by their thread. */
    int backlog() {
        return backlog.get();
    }

    /** Reading is paused for back-pressure. */
    boolean paused() {
        return paused.get();
    }
}
