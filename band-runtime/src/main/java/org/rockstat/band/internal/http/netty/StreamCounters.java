package org.rockstat.band.internal.http.netty;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the server's streamed answers ({@link org.rockstat.band.call.ResponseStream}) went
 * through, over every connection: how many ran and how they ended, and the body bytes the service
 * holds for them right now (handed to Netty, not yet written to a socket) and at most so far: the
 * figure back-pressure keeps flat however slow a client reads.
 */
public final class StreamCounters {
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder started = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder halted = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder stalls = new LongAdder();
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicLong peakBuffered = new AtomicLong();

    void onStart() {
        started.increment();
        active.incrementAndGet();
    }

    void onCompleted() {
        completed.increment();
        active.decrementAndGet();
    }

    void onHalted() {
        halted.increment();
        active.decrementAndGet();
    }

    void onFailed() {
        failed.increment();
        active.decrementAndGet();
    }

    void onStall() {
        stalls.increment();
    }

    void hold(long bytes) {
        long now = buffered.addAndGet(bytes);
        peakBuffered.accumulateAndGet(now, Math::max);
    }

    void release(long bytes) {
        buffered.addAndGet(-bytes);
    }

    /** Streams running now. */
    public int active() {
        return active.get();
    }

    /** Streams started so far. */
    public long started() {
        return started.sum();
    }

    /** Streams whose whole body was sent. */
    public long completed() {
        return completed.sum();
    }

    /** Streams stopped because the client went away. */
    public long halted() {
        return halted.sum();
    }

    /** Streams whose producer failed. */
    public long failed() {
        return failed.sum();
    }

    /** Times a producer waited because its client could not take more. */
    public long stalls() {
        return stalls.sum();
    }

    /** Body bytes handed to Netty and not yet written to a socket, now. */
    public long buffered() {
        return buffered.get();
    }

    /** The most body bytes held at once so far. */
    public long peakBuffered() {
        return peakBuffered.get();
    }
}
