package org.rockstat.band.internal.http;

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
 */
final class BodyLimitAggregator extends HttpObjectAggregator {

    /** A request whose body went over the limit; its content is discarded. */
    record Oversized(HttpRequest request) {
    }

    BodyLimitAggregator(int maxBodyBytes) {
        super(maxBodyBytes, true);
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
            ctx.fireChannelRead(new Oversized(copyOf(request)));
        } else {
            super.handleOversizedMessage(ctx, oversized);
        }
    }

    private static HttpRequest copyOf(HttpRequest request) {
        // the aggregator releases the oversized message after this call: keep only the head
        var head = new io.netty.handler.codec.http.DefaultHttpRequest(request.protocolVersion(), request.method(),
                request.uri());
        head.headers().set(request.headers());
        return head;
    }
}
