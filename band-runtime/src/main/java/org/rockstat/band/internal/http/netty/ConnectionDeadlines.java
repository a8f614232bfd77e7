package org.rockstat.band.internal.http.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
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

    private final long requestNanos;
    private final long idleNanos;
    private final BooleanSupplier answering;
    private ScheduledFuture<?> request;
    private ScheduledFuture<?> idle;
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
        channel = ctx.channel();
        idleSince = System.nanoTime();
        armIdle(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            idleSince = BUSY;
            cancelIdle();
            if (request == null) {
                request = ctx.executor().schedule(() -> timedOut(ctx), requestNanos, TimeUnit.NANOSECONDS);
            }
        }
        super.channelRead(ctx, msg);
    }

    /** A whole request arrived (called by the connection handler, on the event loop). */
    void requestReceived(ChannelHandlerContext ctx) {
        if (request != null) {
            request.cancel(false);
            request = null;
        }
        armIdle(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        super.write(ctx, msg, promise);
        promise.addListener(written -> {
            if (request == null && !answering.getAsBoolean()) {
                idleSince = System.nanoTime();
            }
        });
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

    private void timedOut(ChannelHandlerContext ctx) {
        request = null;
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(TIMED_OUT)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void armIdle(ChannelHandlerContext ctx) {
        cancelIdle();
        idle = ctx.executor().schedule(() -> idleCheck(ctx), idleNanos, TimeUnit.NANOSECONDS);
    }

    private void idleCheck(ChannelHandlerContext ctx) {
        idle = null;
        if (request != null) {
            return; // a request is arriving: its own clock runs
        }
        if (answering.getAsBoolean()) {
            armIdle(ctx); // a slow answer is not idleness
        } else {
            ctx.close();
        }
    }

    private void cancelIdle() {
        if (idle != null) {
            idle.cancel(false);
            idle = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelIdle();
        if (request != null) {
            request.cancel(false);
            request = null;
        }
        super.channelInactive(ctx);
    }
}
