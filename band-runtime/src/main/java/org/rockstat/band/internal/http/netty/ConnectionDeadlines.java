package org.rockstat.band.internal.http.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The two clocks of a connection, first in its pipeline, where the raw bytes arrive. A request
 * must arrive whole (head and body) within the request timeout of its first byte, or it is
 * answered {@code 408} and the connection closed: a client trickling a byte at a time
 * (slowloris) cannot hold a connection. Between requests, with no answer outstanding, a
 * keep-alive connection is closed after the idle timeout.
 *
 * <p>Both clocks are read by one timer per connection, never scheduled or cancelled per request:
 * a request only notes the time. The timer fires at the earliest deadline it knows of, but never
 * later than one request timeout ahead, so a request starting at any moment has its deadline
 * checked on time without moving the timer (a schedule and a cancel per request and per idle
 * period were 3-5 % of a small request's CPU).
 *
 * <p>It also tells the server how long the connection has been idle ({@link #idleSinceNanos()}):
 * at the connection cap, the connection idle the longest makes room for a new one, so ten
 * thousand idle keep-alive clients cannot lock out the ones with a request to make.
 */
final class ConnectionDeadlines extends ChannelDuplexHandler {
    private static final String TIMED_OUT_BODY = "{\"message\":\"Request not received in time\"}";
    private static final byte[] TIMED_OUT = ("HTTP/1.1 408 Request Timeout\r\n"
                    + "Content-Type: application/json; charset=utf-8\r\nContent-Length: " + TIMED_OUT_BODY.length()
                    + "\r\nConnection: close\r\n\r\n" + TIMED_OUT_BODY)
            .getBytes(StandardCharsets.US_ASCII);

    /** No request is arriving. */
    private static final long NONE = Long.MIN_VALUE;

    private final long requestNanos;
    private final long idleNanos;
    private final BooleanSupplier answering;
    /** Marks the connection idle once an answer is written and nothing more is owed. */
    private final GenericFutureListener<Future<? super Void>> written = this::written;

    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    /** When the request now arriving sent its first byte, or {@link #NONE}. */
    private long requestFrom = NONE;
    /** When the idle clock started: the connection opened, or the last request arrived whole. */
    private long idleFrom;

    private volatile Channel channel;
    /** {@link System#nanoTime()} since when the connection neither receives a request nor owes an answer; BUSY otherwise. */
    private volatile long idleSince = BUSY;

    static final long BUSY = Long.MAX_VALUE;

    /**
     * @param answering true while the connection owes answers (then it is not idle)
     */
    ConnectionDeadlines(Duration requestTimeout, Duration idleTimeout, BooleanSupplier answering) {
        this.requestNanos = requestTimeout.toNanos();
        this.idleNanos = idleTimeout.toNanos();
        this.answering = answering;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        channel = ctx.channel();
        long now = System.nanoTime();
        idleSince = now;
        idleFrom = now;
        schedule(now, idleFrom + idleNanos);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            idleSince = BUSY;
            if (requestFrom == NONE) {
                // the timer fires within one request timeout from now: it sees this deadline in time
                requestFrom = System.nanoTime();
            }
        }
        super.channelRead(ctx, msg);
    }

    /** A whole request arrived (called by the connection handler, on the event loop). */
    void requestReceived() {
        requestFrom = NONE;
        idleFrom = System.nanoTime();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        super.write(ctx, msg, promise);
        if (!promise.isVoid()) {
            promise.addListener(written);
        }
    }

    private void written(Future<? super Void> write) {
        if (requestFrom == NONE && !answering.getAsBoolean()) {
            idleSince = System.nanoTime();
        }
    }

    /** Since when the connection is idle ({@link System#nanoTime()}), or {@link #BUSY}. Any thread. */
    long idleSinceNanos() {
        return idleSince;
    }

    /** Closes the connection; any thread. */
    void evict() {
        Channel c = channel;
        if (c != null) {
            c.close();
        }
    }

    /** The timer: acts on a deadline passed, else waits for the next one. */
    private void check() {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (requestFrom != NONE) {
            long deadline = requestFrom + requestNanos;
            if (now - deadline >= 0) {
                timedOut();
            } else {
                schedule(now, deadline);
            }
            return;
        }
        long deadline = idleFrom + idleNanos;
        if (now - deadline < 0) {
            schedule(now, deadline);
        } else if (answering.getAsBoolean()) {
            idleFrom = now; // a slow answer is not idleness
            schedule(now, now + idleNanos);
        } else {
            ctx.close();
        }
    }

    /** The timer at {@code deadline}, or one request timeout from now if that is sooner. */
    private void schedule(long now, long deadline) {
        long delay = Math.min(deadline - now, requestNanos);
        timer = ctx.executor().schedule(this::check, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    private void timedOut() {
        requestFrom = NONE;
        ctx.writeAndFlush(Unpooled.wrappedBuffer(TIMED_OUT)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        super.channelInactive(ctx);
    }
}
