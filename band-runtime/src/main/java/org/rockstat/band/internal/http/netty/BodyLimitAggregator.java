package org.rockstat.band.internal.http.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Aggregates request bodies up to the limit; an oversized one (by {@code Content-Length}, by
 * {@code Expect: 100-continue} or by the chunks received) is not answered here with Netty's
 * empty 413 but handed on as an {@link Oversized} marker, so the handler answers it with a JSON
 * message, in order after earlier requests on the connection, and then closes.
 *
 * <p>Every body also takes its bytes from the server-wide {@link BodyBudget} while it is held:
 * one announced by {@code Content-Length} up front (refused at once, as over budget, when it does
 * not fit), a chunked one chunk by chunk (its connection is closed when a chunk does not fit).
 * The connection handler gives the bytes back once it has the body.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {

    /**
     * A request that is not aggregated; its content is discarded.
     *
     * @param overBudget true when the server holds too many bodies now (503), false when this one
     *                   is over the limit (413)
     */
    record Oversized(HttpRequest request, boolean overBudget) {}

    private final BodyBudget budget;
    private long held;
    private boolean overBudget;

    BodyLimitAggregator(int maxBodyBytes, BodyBudget budget) {
        super(maxBodyBytes, true);
        this.budget = budget;
    }

    @Override
    protected boolean isContentLengthInvalid(HttpMessage start, int maxContentLength) {
        overBudget = false;
        if (super.isContentLengthInvalid(start, maxContentLength)) {
            return true;
        }
        long length = HttpUtil.getContentLength(start, -1L);
        if (length > 0) {
            if (!budget.tryReserve(length)) {
                overBudget = true;
                return true;
            }
            held += length;
        }
        return false;
    }

    @Override
    protected void aggregate(
            io.netty.handler.codec.http.FullHttpMessage aggregated, io.netty.handler.codec.http.HttpContent content)
            throws Exception {
        super.aggregate(aggregated, content);
        if (HttpUtil.getContentLength(aggregated, -1L) < 0) {
            int bytes = content.content().readableBytes();
            if (!budget.tryReserve(bytes)) {
                throw new BodyOverBudget(budget.max());
            }
            held += bytes;
        }
    }

    /** The body's bytes are no longer held (the handler copied them, or the connection closed). */
    void released() {
        if (held > 0) {
            budget.release(held);
            held = 0;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
        released();
        super.handlerRemoved(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        released();
        super.channelInactive(ctx);
    }

    /** A chunked body did not fit in the server's budget. */
    static final class BodyOverBudget extends Exception {
        private static final long serialVersionUID = 1L;

        BodyOverBudget(long max) {
            super("request bodies in memory over the " + max + "-byte budget", null, false, false);
        }
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        if (HttpUtil.is100ContinueExpected(start) && HttpUtil.getContentLength(start, -1L) > maxContentLength) {
            // no 100 Continue: fall through to the oversized handling, which answers 413 at once
            return null;
        }
        return super.newContinueResponse(start, maxContentLength, pipeline);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (oversized instanceof HttpRequest request) {
            ctx.fireChannelRead(new Oversized(copyOf(request), overBudget));
        } else {
            super.handleOversizedMessage(ctx, oversized);
        }
    }

    private static HttpRequest copyOf(HttpRequest request) {
        // the aggregator releases the oversized message after this call: keep only the head
        var head = new io.netty.handler.codec.http.DefaultHttpRequest(
                request.protocolVersion(), request.method(), request.uri());
        head.headers().set(request.headers());
        return head;
    }
}
