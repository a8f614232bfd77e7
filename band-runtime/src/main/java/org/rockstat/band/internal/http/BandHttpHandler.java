package org.rockstat.band.internal.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.rpc.CallContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's request handling: validates, routes and decodes a request on the event loop,
 * hands the call to the {@link Dispatcher} (which runs it on a virtual thread) and writes the
 * rendered answer when the call completes. Answers leave in request order even when pipelined
 * calls finish out of order. Not shared: one instance per channel.
 */
final class BandHttpHandler extends ChannelInboundHandlerAdapter {
    /** Methods served; anything else is 405. */
    static final String ALLOW = "GET, POST, HEAD, OPTIONS";
    /** How long a connection closed after an error still swallows what the client sends. */
    static final long LINGER_MILLIS = 2000;
    private static final Logger log = LoggerFactory.getLogger(BandHttpHandler.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final Dispatcher dispatcher;
    private final HttpRouter router;
    private final CorsPolicy cors;
    private ChannelHandlerContext ctx;
    // event-loop confined: order of answers on this connection
    private long received;
    private long written;
    private final Map<Long, Outgoing> ready = new HashMap<>();
    private boolean closing;

    /** An answer ready to go out, with what it needs to finish the exchange. */
    private record Outgoing(FullHttpResponse response, boolean close, String line, long startNanos) {
    }

    /** What is kept of a request after its buffers are released. */
    private record Exchange(long seq, HttpVersion version, HttpMethod method, String path, String origin,
                            boolean keepAlive, long startNanos) {
        String line() {
            return method + " " + path;
        }
    }

    BandHttpHandler(Dispatcher dispatcher, HttpRouter router, CorsPolicy cors) {
        this.dispatcher = dispatcher;
        this.router = router;
        this.cors = cors;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (closing) {
                return;
            }
            if (msg instanceof BodyLimitAggregator.Oversized oversized) {
                Exchange ex = exchange(oversized.request(), false);
                send(ex, ResponseRenderer.error(413, "Request body over " + maxBody() + " bytes"), true);
            } else if (msg instanceof FullHttpRequest request) {
                handle(request);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private int maxBody() {
        BodyLimitAggregator aggregator = ctx.pipeline().get(BodyLimitAggregator.class);
        return aggregator == null ? HttpOptions.DEFAULT_MAX_BODY : aggregator.maxContentLength();
    }

    private void handle(FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            Exchange ex = exchange(request, false);
            Throwable cause = request.decoderResult().cause();
            String reason = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
            send(ex, ResponseRenderer.error(400, "Malformed HTTP request" + reason), true);
            return;
        }
        Exchange ex = exchange(request, HttpUtil.isKeepAlive(request));
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.OPTIONS)) {
            preflight(ex, request.headers());
            return;
        }
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.POST) && !method.equals(HttpMethod.HEAD)) {
            var rendered = ResponseRenderer.error(405, "Method not allowed: " + ex.line());
            send(ex, new ResponseRenderer.Rendered(405, rendered.contentType(), List.of(List.of("Allow", ALLOW)),
                    rendered.body()), false);
            return;
        }
        Optional<HttpRouter.Match> match;
        ObjectNode params;
        try {
            match = router.match(ex.path());
            if (match.isEmpty()) {
                send(ex, ResponseRenderer.error(404, "Not found: " + ex.line()), false);
                return;
            }
            params = RequestParams.from(request.uri(), request.headers().get(HttpHeaderNames.CONTENT_TYPE),
                    ByteBufUtil.getBytes(request.content()), match.get().params());
        } catch (HttpProblem problem) {
            send(ex, ResponseRenderer.error(problem.status(), problem.getMessage()), false);
            return;
        } catch (IllegalArgumentException e) {
            send(ex, ResponseRenderer.error(400, "Malformed URL: " + e.getMessage()), false);
            return;
        }
        String name = match.get().route().method();
        CallContext context = new CallContext("http", "http-" + Long.toString(IDS.incrementAndGet(), 36), name, "http");
        CompletableFuture<Object> call;
        try {
            call = dispatcher.call(name, params, context);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        // runs where the call completes (a virtual thread): JSON is written off the event loop
        call.whenComplete((value, error) -> send(ex, render(name, value, error), false));
    }

    private static ResponseRenderer.Rendered render(String method, Object value, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            return ResponseRenderer.failure(cause);
        }
        try {
            return ServiceModel.STATUS.equals(method) ? ResponseRenderer.json(value) : ResponseRenderer.result(value);
        } catch (RuntimeException e) {
            log.warn("Result of method '{}' cannot be written as JSON: {}", method, e.toString());
            return ResponseRenderer.error(500, "Result of method '" + method + "' cannot be written as JSON");
        }
    }

    private void preflight(Exchange ex, HttpHeaders request) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT,
                Unpooled.EMPTY_BUFFER);
        cors.applyPreflight(ex.origin(), request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS), response.headers());
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        finish(ex, response, false);
    }

    private Exchange exchange(HttpRequest request, boolean keepAlive) {
        String path = new QueryStringDecoder(request.uri()).rawPath();
        return new Exchange(received++, request.protocolVersion(), request.method(), path,
                request.headers().get(HttpHeaderNames.ORIGIN), keepAlive, System.nanoTime());
    }

    /** Builds the Netty response; thread-safe, then hands it to the event loop. */
    private void send(Exchange ex, ResponseRenderer.Rendered rendered, boolean close) {
        FullHttpResponse response;
        try {
            response = toResponse(ex, rendered);
        } catch (IllegalArgumentException e) {
            // a header from the service that HTTP cannot carry
            log.warn("Cannot send the answer to {}: {}", ex.line(), e.getMessage());
            response = toResponse(ex, ResponseRenderer.error(500, "Invalid response header: " + e.getMessage()));
        }
        finish(ex, response, close);
    }

    private FullHttpResponse toResponse(Exchange ex, ResponseRenderer.Rendered rendered) {
        byte[] body = rendered.body();
        boolean head = ex.method().equals(HttpMethod.HEAD);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(rendered.status()),
                head || body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        HttpHeaders headers = response.headers();
        if (rendered.contentType() != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, rendered.contentType());
        }
        for (List<String> header : rendered.headers()) {
            if (header.size() != 2 || HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(header.get(0))) {
                continue;
            }
            if (HttpHeaderNames.CONTENT_TYPE.contentEqualsIgnoreCase(header.get(0))) {
                headers.set(HttpHeaderNames.CONTENT_TYPE, header.get(1));
            } else {
                headers.add(header.get(0), header.get(1));
            }
        }
        headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    /** Queues the answer and writes every answer whose turn has come; hops to the event loop. */
    private void finish(Exchange ex, FullHttpResponse response, boolean close) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> finish(ex, response, close));
            return;
        }
        cors.apply(ex.origin(), response.headers());
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else {
            HttpUtil.setKeepAlive(response.headers(), ex.version(), ex.keepAlive());
        }
        ready.put(ex.seq(), new Outgoing(response, close, ex.line(), ex.startNanos()));
        flushReady();
    }

    private void flushReady() {
        Outgoing next;
        while (!closing && (next = ready.remove(written)) != null) {
            written++;
            if (log.isDebugEnabled()) {
                log.debug("{} {} {} ms", next.line(), next.response().status().code(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - next.startNanos()));
            }
            if (!ctx.channel().isActive()) {
                ReferenceCountUtil.release(next.response());
                continue;
            }
            if (next.close()) {
                closeAfter(next.response());
            } else {
                // the keep-alive handler closes after an answer carrying Connection: close
                ctx.writeAndFlush(next.response());
            }
        }
        if (closing) {
            ready.values().forEach(o -> ReferenceCountUtil.release(o.response()));
            ready.clear();
        }
    }

    /**
     * Writes a last answer, then closes gracefully: our side is shut at once so the client sees
     * the answer and the end, while what it still sends (the rest of an oversized body) is
     * swallowed for a while, so the close does not reset the connection before the answer is read.
     */
    private void closeAfter(FullHttpResponse response) {
        closing = true;
        if (ctx.pipeline().get(HttpServerKeepAliveHandler.class) != null) {
            ctx.pipeline().remove(HttpServerKeepAliveHandler.class);
        }
        ctx.writeAndFlush(response).addListener(done -> {
            if (!done.isSuccess() || !(ctx.channel() instanceof SocketChannel socket)) {
                ctx.channel().close();
                return;
            }
            socket.shutdownOutput();
            ctx.executor().schedule(() -> ctx.channel().close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        ready.values().forEach(o -> ReferenceCountUtil.release(o.response()));
        ready.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
