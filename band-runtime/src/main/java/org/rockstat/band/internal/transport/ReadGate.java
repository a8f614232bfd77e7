package org.rockstat.band.internal.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Stops the subscription's socket being read (TCP back-pressure: Redis holds the rest), in front
 * of Lettuce's command handler. Turning {@code autoRead} off alone does not hold: Lettuce turns it
 * back on after every reply it decodes (its own demand for reactive streams), so a pause set
 * while a buffer is being decoded was undone by the next message, and a 450 000-request burst was
 * read in full whatever the inbox said. So the bytes that come in while paused are held here,
 * not given to Lettuce, and {@code autoRead} is turned off again after each read; on resume they
 * go to Lettuce first, then reading starts again. At most the reads of one event-loop turn are
 * held (each read that finds the gate closed turns {@code autoRead} off, which ends the turn).
 *
 * <pre>{@code
 * pipeline.addBefore(lettuceHandler, ReadGate.NAME, new ReadGate());
 * pipeline.get(ReadGate.class).pause();   // any thread
 * }</pre>
 */
final class ReadGate extends ChannelInboundHandlerAdapter {
    static final String NAME = "band-read-gate";

    /** Event loop only. */
    private final ArrayDeque<Object> held = new ArrayDeque<>();

    private volatile boolean paused;
    private volatile ChannelHandlerContext ctx;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Stops reading; callable from any thread (on the event loop it takes effect before the next read). */
    void pause() {
        paused = true;
        ChannelHandlerContext c = ctx;
        if (c != null) {
            c.executor().execute(() -> {
                if (paused) {
                    c.channel().config().setAutoRead(false);
                }
            });
        }
    }

    /** Hands what was held to Lettuce and reads again; callable from any thread. */
    void resume() {
        paused = false;
        ChannelHandlerContext c = ctx;
        if (c != null) {
            c.executor().execute(() -> release(c));
        }
    }

    boolean paused() {
        return paused;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (paused || !held.isEmpty()) {
            // in order: nothing overtakes what is held
            held.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (paused) {
            // Lettuce may have turned it on again while decoding this turn's last buffer
            ctx.channel().config().setAutoRead(false);
        }
        ctx.fireChannelReadComplete();
    }

    /** On the event loop: what was held goes on until the gate closes again (a message handed on may close it). */
    private void release(ChannelHandlerContext c) {
        if (paused) {
            return;
        }
        boolean any = false;
        Object msg;
        while (!paused && (msg = held.poll()) != null) {
            any = true;
            c.fireChannelRead(msg);
        }
        if (any) {
            c.fireChannelReadComplete();
        }
        if (!paused && held.isEmpty()) {
            c.channel().config().setAutoRead(true);
        } else {
            c.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        drop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        drop();
    }

    /** The connection is gone: what it held will never be decoded. */
    private void drop() {
        for (Object msg; (msg = held.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
    }
}
