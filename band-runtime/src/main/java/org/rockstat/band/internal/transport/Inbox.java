package org.rockstat.band.internal.transport;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import org.rockstat.band.internal.report.RateLimitedLog;
import org.slf4j.LoggerFactory;

/**
 * Incoming pub/sub messages of {@link RedisTransport}: each is first shown to its listener on the
 * receiving thread ({@link MessageListener#arriveOrHandle}, in Redis's order), then its work is
 * handed to a virtual thread, unless the listener finished it there (a non-blocking method's
 * call). The session's socket stops being read (TCP back-pressure: Redis holds the rest) while {@code maxInbox} messages wait to be picked up, or while the outbox holds half its
 * room; it is read again once both are down to half of that. Without the second condition a
 * burst of requests that cannot all be answered at once would read on, and every refusal would
 * wait for room in the outbox on a thread of its own: hundreds of thousands of them, whose timed
 * waits starved the writer of the very carrier threads it needed to drain the outbox.
 */
final class Inbox {
    private final ThreadFactory deliveryThreads =
            Thread.ofVirtual().name("band-rpc-in-", 0).factory();
    private final RateLimitedLog rateLimited =
            new RateLimitedLog(LoggerFactory.getLogger(RedisTransport.class), Duration.ofSeconds(10));
    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicInteger pauses = new AtomicInteger();
    /** One decision at a time: a pause and a resume deciding at once could leave reading off for good. */
    private final ReentrantLock gate = new ReentrantLock();

    private final int maxInbox;
    private final IntSupplier outboxQueued;
    private final int outboxHigh;
    private final int outboxLow;
    /** The session whose reading is paused, or null while reading. */
    private volatile RedisSession pausedIn;

    /**
     * @param outboxQueued how many publishes wait in the outbox
     * @param outboxRoom   the outbox's room: reading pauses at half of it, resumes at a quarter
     */
    Inbox(int maxInbox, IntSupplier outboxQueued, int outboxRoom) {
        this.maxInbox = maxInbox;
        this.outboxQueued = outboxQueued;
        this.outboxHigh = Math.max(1, outboxRoom / 2);
        this.outboxLow = outboxRoom / 4;
    }

    void deliver(RedisSession s, MessageListener target, String channel, byte[] message) {
        int waiting = backlog.incrementAndGet();
        if (pausedIn != s && (waiting >= maxInbox || outboxQueued.getAsInt() >= outboxHigh)) {
            regulate(s);
        }
        // on the event loop: the listener sees every channel's messages in Redis's order
        Runnable work = target.arriveOrHandle(channel, message);
        if (work == null) {
            // handled on the event loop: a call of a non-blocking method, answered already
            taken();
            return;
        }
        deliveryThreads
                .newThread(() -> {
                    taken();
                    work.run();
                })
                .start();
    }

    /** A message left the backlog: reading resumes once it is down to half. */
    private void taken() {
        if (backlog.decrementAndGet() <= maxInbox / 2 && pausedIn != null) {
            regulate(null);
        }
    }

    /** The outbox's writer took a batch: reading resumes if it waited only for that. */
    void outboxTaken() {
        if (pausedIn != null && outboxQueued.getAsInt() <= outboxLow) {
            regulate(null);
        }
    }

    /**
     * Pauses reading in {@code arriving}'s session when either bound is reached, or resumes the
     * paused session when both are down again; always decided on the current counts, so a stale
     * caller cannot undo a later decision.
     */
    private void regulate(RedisSession arriving) {
        gate.lock();
        try {
            RedisSession paused = pausedIn;
            if (paused != null && paused.ended.get()) {
                // its socket is gone; a new session reads from its own start
                pausedIn = paused = null;
            }
            int waiting = backlog.get();
            int queued = outboxQueued.getAsInt();
            if (paused == null) {
                if (arriving != null && !arriving.ended.get() && (waiting >= maxInbox || queued >= outboxHigh)) {
                    pausedIn = arriving;
                    pauses.incrementAndGet();
                    arriving.readSubscriptions(false);
                    rateLimited.warn(
                            "inbox-full",
                            "Redis messages arrive faster than they are answered ({} waiting to be taken, {} answers"
                                    + " waiting to be published): reading paused until both are down",
                            waiting,
                            queued);
                }
            } else if (waiting <= maxInbox / 2 && queued <= outboxLow) {
                pausedIn = null;
                paused.readSubscriptions(true);
            }
        } finally {
            gate.unlock();
        }
    }

    /** Messages handed over and not yet picked up by their thread. */
    int backlog() {
        return backlog.get();
    }

    /** Reading is paused for back-pressure. */
    boolean paused() {
        return pausedIn != null;
    }

    /** Times reading was paused since the start. */
    int pauses() {
        return pauses.get();
    }
}
