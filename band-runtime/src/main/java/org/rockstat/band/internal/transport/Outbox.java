package org.rockstat.band.internal.transport;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.rockstat.band.call.RpcException;

/**
 * The publishes of {@link RedisTransport} waiting to be written: one writer thread takes them in
 * order (system messages and canaries first), writes a batch and flushes once, with at most
 * {@link #MAX_UNACKNOWLEDGED} on the wire unanswered. A publisher waits up to
 * {@link TransportOptions#publishWait()} for room; a message that cannot be written is failed and
 * counted, never lost without a trace.
 *
 * <p>The writer is a platform thread: under a burst thousands of virtual threads wait to publish,
 * and the one thread that makes room for them must not queue with them for a carrier.
 */
final class Outbox {
    static final int MAX_UNACKNOWLEDGED = 4096;
    private static final int BATCH = 512;

    /** {@code roomTaken}: it holds a place of {@link TransportOptions#publishQueue()} (system messages do not). */
    // the message's bytes are carried, never compared: a record's array equality does not matter here
    @SuppressWarnings("ArrayRecordComponent")
    private record Outgoing(
            String channel, byte[] message, CompletableFuture<Long> done, RedisSession only, boolean roomTaken) {}

    private final LinkedBlockingDeque<Outgoing> queue = new LinkedBlockingDeque<>();
    private final Semaphore room;
    private final Semaphore unacknowledged = new Semaphore(MAX_UNACKNOWLEDGED);
    private final AtomicLong failed = new AtomicLong();
    /** Offered (not canaries) and neither taken by Redis nor failed yet: what a close waits for. */
    private final java.util.concurrent.atomic.AtomicInteger outstanding =
            new java.util.concurrent.atomic.AtomicInteger();

    private final TransportOptions options;
    private final Supplier<RedisSession> current;
    private final BiConsumer<RedisSession, String> endSession;
    private final Runnable taken;
    private volatile boolean closed;
    private volatile Thread writer;

    /**
     * @param current    the session publishes go to (null while there is none)
     * @param endSession ends a session whose publish connection failed, with the reason
     * @param taken      told after each batch the writer took (reading may resume: {@link Inbox#outboxTaken})
     */
    Outbox(
            TransportOptions options,
            Supplier<RedisSession> current,
            BiConsumer<RedisSession, String> endSession,
            Runnable taken) {
        this.options = options;
        this.taken = taken;
        this.room = new Semaphore(options.publishQueue());
        this.current = current;
        this.endSession = endSession;
    }

    void start() {
        writer = Thread.ofPlatform().daemon().name("band-redis-writer").start(this::write);
    }

    /** True once {@link #start()} ran: only then can anything be waiting. */
    boolean started() {
        return writer != null;
    }

    CompletionStage<Long> offer(String channel, byte[] message, boolean urgent) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        if (closed) {
            failed.incrementAndGet();
            return CompletableFuture.failedFuture(new RpcException(RpcException.UNAVAILABLE, "transport closed"));
        }
        if (urgent) {
            outstanding.incrementAndGet();
            queue.offerFirst(new Outgoing(channel, message, done, null, false));
            return done;
        }
        try {
            if (!room.tryAcquire(options.publishWait().toMillis(), TimeUnit.MILLISECONDS)) {
                failed.incrementAndGet();
                return CompletableFuture.failedFuture(new RpcException(
                        RpcException.OVERLOADED,
                        "the publish queue to Redis is full (" + options.publishQueue() + " messages)"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new RpcException(RpcException.UNAVAILABLE, "interrupted"));
        }
        outstanding.incrementAndGet();
        queue.offerLast(new Outgoing(channel, message, done, null, true));
        return done;
    }

    /**
     * Waits until every publish offered so far was taken by Redis (or failed), at most
     * {@code within}: what a closing transport does first, so that what a draining service's
     * handlers and listeners published (a notification sent as a listener returns) is not thrown
     * away with the queue.
     *
     * @return how many were still on their way when {@code within} passed (0 when all went)
     */
    int awaitSent(java.time.Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1); // polling a deadline: PUBLISH replies complete on Lettuce's threads
        }
        return outstanding.get();
    }

    /** A canary for session {@code s} only, ahead of everything; completes with PUBLISH's receiver count. */
    CompletionStage<Long> offerCanary(RedisSession s, String channel, byte[] message) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        queue.offerFirst(new Outgoing(channel, message, done, s, false));
        return done;
    }

    /** Publishes failed since the start (not canaries). */
    long failed() {
        return failed.get();
    }

    int queued() {
        return queue.size();
    }

    /** Places of {@link TransportOptions#publishQueue()} taken: publishes waiting, system messages aside (a volatile read). */
    int occupied() {
        return options.publishQueue() - room.availablePermits();
    }

    private void write() {
        List<Outgoing> batch = new ArrayList<>(BATCH);
        while (!closed) {
            try {
                Outgoing first = queue.poll(500, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                RedisSession s = current.get();
                for (Outgoing out : batch) {
                    if (out.roomTaken()) {
                        room.release();
                    }
                    send(out, out.only() != null ? out.only() : s);
                }
                flush(batch, s);
                taken.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
    }

    private void send(Outgoing out, RedisSession s) throws InterruptedException {
        if (s == null || s.ended.get()) {
            fail(out, new RpcException(RpcException.UNAVAILABLE, "not connected to Redis"));
            return;
        }
        if (!unacknowledged.tryAcquire()) {
            // what is written but not flushed must go out before we wait for answers
            flushCommands(s);
            unacknowledged.acquire();
        }
        try {
            s.pub.async().publish(out.channel(), out.message()).whenComplete((receivers, error) -> {
                unacknowledged.release();
                if (error != null) {
                    fail(out, error);
                } else {
                    if (out.only() == null) {
                        outstanding.decrementAndGet();
                    }
                    out.done().complete(receivers);
                }
            });
            if (out.only() != null) {
                s.canaryWritten(System.nanoTime());
            }
        } catch (RuntimeException e) {
            unacknowledged.release();
            fail(out, e);
        }
    }

    private void fail(Outgoing out, Throwable error) {
        if (out.only() == null) {
            failed.incrementAndGet();
            outstanding.decrementAndGet();
        }
        out.done().completeExceptionally(error);
    }

    private void flush(List<Outgoing> batch, RedisSession current) {
        Set<RedisSession> sessions = new HashSet<>();
        for (Outgoing out : batch) {
            RedisSession s = out.only() != null ? out.only() : current;
            if (s != null && !s.ended.get()) {
                sessions.add(s);
            }
        }
        sessions.forEach(this::flushCommands);
    }

    private void flushCommands(RedisSession s) {
        try {
            s.pub.flushCommands();
        } catch (RuntimeException e) {
            endSession.accept(s, "flushing failed: " + RedisTransport.reason(e));
        }
    }

    void close() {
        closed = true;
        if (writer != null) {
            writer.interrupt();
        }
        RpcException gone = new RpcException(RpcException.UNAVAILABLE, "transport closed");
        for (Outgoing out; (out = queue.poll()) != null; ) {
            fail(out, gone);
        }
    }
}
