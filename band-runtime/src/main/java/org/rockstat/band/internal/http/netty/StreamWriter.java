package org.rockstat.band.internal.http.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.rockstat.band.call.ResponseStream;
import org.rockstat.band.internal.http.StreamPump;
import org.rockstat.band.internal.report.RateLimitedLog;
import org.rockstat.band.internal.report.WireText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed answer on its connection: the {@link StreamPump.Sink} that writes each chunk as an
 * HTTP chunk, but only while the channel is writable (below its write-buffer high-water mark), so
 * a slow client blocks the producer instead of filling memory. The head goes out with the first
 * chunk, so a producer that fails before writing gets a plain error answer instead.
 *
 * <p>Threads: {@code write}, {@code end}, {@code failed} run on the producer's thread;
 * {@link #writabilityChanged()} and {@link #closed()} on the event loop; the end of the exchange
 * ({@code done}) on the event loop, once.
 */
final class StreamWriter implements StreamPump.Sink {
    private static final Logger log = LoggerFactory.getLogger(StreamWriter.class);
    /** A periodic re-check while waiting: guards against a wake-up lost to a race, not a clock. */
    private static final long RECHECK_MILLIS = 100;

    private final ChannelHandlerContext ctx;
    private final HttpResponse head;
    private final FullHttpResponse failure;
    private final String line;
    private final StreamCounters counters;
    private final Runnable done;
    private final long stallNanos;
    private final RateLimitedLog errors;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition writable = lock.newCondition();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean gone;
    private volatile StreamPump pump;
    private boolean headSent;

    /**
     * @param head    the response head (status, headers, chunked)
     * @param failure what to answer when the producer fails before its first chunk
     * @param done    runs on the event loop when the exchange is over, however it ended
     * @param stallLimit how long a client may take nothing before the connection is closed
     * @param errors  the server's rate-limited log of connection trouble
     */
    StreamWriter(
            ChannelHandlerContext ctx,
            HttpResponse head,
            FullHttpResponse failure,
            String line,
            StreamCounters counters,
            Runnable done,
            Duration stallLimit,
            RateLimitedLog errors) {
        this.ctx = ctx;
        this.head = head;
        this.failure = failure;
        this.line = line;
        this.counters = counters;
        this.done = done;
        this.stallNanos = stallLimit.toNanos();
        this.errors = errors;
    }

    /** Starts the producer (on the event loop, when the answer's turn has come). */
    void start(ResponseStream stream) {
        counters.onStart();
        pump = StreamPump.start(line, stream, this);
    }

    /** The channel's writability changed: a waiting producer re-checks. */
    void writabilityChanged() {
        signal();
    }

    /** The connection closed: the producer is interrupted and its writes fail from now on. */
    void closed() {
        gone = true;
        StreamPump p = pump;
        if (p != null) {
            p.cancel();
        }
        signal();
    }

    private void signal() {
        lock.lock();
        try {
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(byte[] chunk) throws StreamPump.ClientGone {
        awaitWritable();
        sendHead();
        int n = chunk.length;
        counters.hold(n);
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk))).addListener(f -> {
            counters.release(n);
            if (!f.isSuccess()) {
                ctx.channel().close();
            }
        });
    }

    /**
     * Waits while the client cannot take more. A client that takes nothing for the stall limit
     * (the connection's idle timeout) is let go: it would hold the connection and the producer
     * forever, where an idle connection is closed.
     */
    private void awaitWritable() throws StreamPump.ClientGone {
        boolean stalled = false;
        long since = 0;
        lock.lock();
        try {
            while (!gone && ctx.channel().isActive() && !ctx.channel().isWritable()) {
                long now = System.nanoTime();
                if (!stalled) {
                    counters.onStall();
                    stalled = true;
                    since = now;
                } else if (now - since >= stallNanos) {
                    errors.warn(
                            "stream-stalled",
                            "Closed a stream {} to {}: the client took nothing for {} ms",
                            line,
                            ctx.channel().remoteAddress(),
                            TimeUnit.NANOSECONDS.toMillis(stallNanos));
                    ctx.channel().close();
                    throw new StreamPump.ClientGone("the client took nothing for too long");
                }
                writable.await(
                        Math.min(RECHECK_MILLIS, TimeUnit.NANOSECONDS.toMillis(stallNanos - (now - since)) + 1),
                        TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            // only cancel() interrupts a producer's thread
            throw new StreamPump.ClientGone("the client went away");
        } finally {
            lock.unlock();
        }
        if (gone || !ctx.channel().isActive()) {
            throw new StreamPump.ClientGone("the client closed the connection");
        }
    }

    private void sendHead() {
        if (!headSent) {
            headSent = true;
            failure.release();
            ctx.write(head);
        }
    }

    @Override
    public void end() {
        sendHead();
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> {
            if (f.isSuccess()) {
                finish(Outcome.COMPLETED);
            } else {
                finish(Outcome.HALTED);
            }
        });
    }

    @Override
    public void failed(Throwable error, boolean started) {
        log.warn(
                "Stream {} failed after {} bytes: {}",
                line,
                pump == null ? 0 : pump.bytes(),
                WireText.of(error.toString()),
                error);
        if (!headSent) {
            headSent = true;
            ChannelFuture sent = ctx.writeAndFlush(failure);
            sent.addListener(f -> finish(Outcome.FAILED));
        } else {
            // the body began: cut it short of its last chunk, so the client cannot take it for whole
            ctx.channel().close().addListener(f -> finish(Outcome.FAILED));
        }
    }

    @Override
    public void halted(long bytes) {
        log.debug("Stream {} halted after {} bytes: the client went away", line, bytes);
        if (!headSent) {
            failure.release();
        }
        ctx.channel().close();
        ctx.executor().execute(() -> finish(Outcome.HALTED));
    }

    private enum Outcome {
        COMPLETED,
        HALTED,
        FAILED
    }

    private void finish(Outcome outcome) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        switch (outcome) {
            case COMPLETED -> counters.onCompleted();
            case HALTED -> counters.onHalted();
            case FAILED -> counters.onFailed();
        }
        done.run();
    }
}
