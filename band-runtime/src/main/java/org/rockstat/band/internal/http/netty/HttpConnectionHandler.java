package org.rockstat.band.internal.http.netty;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.rockstat.band.call.ResponseStream;
import org.rockstat.band.internal.http.HttpEndpoint;
import org.rockstat.band.internal.http.HttpExchange;
import org.rockstat.band.internal.http.ResponseRenderer;
import org.rockstat.band.internal.http.ResponseRenderer.Rendered;
import org.rockstat.band.internal.report.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's Netty side: turns each request into an {@link HttpExchange} for the
 * {@link HttpEndpoint}, and writes the answers in request order even when pipelined calls finish
 * out of order; keep-alive, and a graceful close after an error the connection cannot recover
 * from. Not shared: one instance per channel, confined to its event loop.
 */
final class HttpConnectionHandler extends ChannelInboundHandlerAdapter {
    /**
     * Owed answers at which a pipelining connection stops being read (TCP back-pressure does the
     * rest) until half of them are written: a deep pipeline is answered, slower, never dropped.
     */
    static final int PAUSE_READING_AT = 256;

    /** How long a connection closed after an error still swallows what the client sends. */
    static final long LINGER_MILLIS = 2000;

    private static final Logger log = LoggerFactory.getLogger(HttpConnectionHandler.class);

    private final HttpEndpoint endpoint;
    private final int maxBodyBytes;
    private final RateLimitedLog errors;
    private final StreamCounters streams;
    private final Duration stallLimit;
    private ChannelHandlerContext ctx;
    /** The connection's clocks and body aggregator, looked up once (the pipeline's handlers before this one). */
    private ConnectionDeadlines deadlines;

    private BodyLimitAggregator aggregator;
    /** The streamed answer being sent; the answers after it wait for its end. */
    private StreamWriter streaming;

    private long received;
    private long written;
    private final Map<Long, Outgoing> ready = new HashMap<>();
    private boolean closing;

    /**
     * An answer ready to go out, with what it needs to finish the exchange; a streamed one has its
     * head as {@code response}, its {@code stream}, and the answer for a producer failing first.
     */
    private record Outgoing(
            HttpResponse response,
            boolean close,
            String line,
            long startNanos,
            ResponseStream stream,
            FullHttpResponse failure) {
        void release() {
            ReferenceCountUtil.release(response);
            if (stream != null) {
                stream.discard();
                ReferenceCountUtil.release(failure);
            }
        }
    }

    /** What is kept of a request after its buffers are released. */
    private record Exchange(
            long seq,
            HttpVersion version,
            HttpMethod method,
            String path,
            String origin,
            boolean keepAlive,
            long startNanos) {
        String line() {
            return method + " " + path;
        }

        Exchange withoutKeepAlive() {
            return new Exchange(seq, version, method, path, origin, false, startNanos);
        }
    }

    /**
     * @param errors     where connection-level trouble is logged, rate-limited
     * @param streams    where streamed answers are counted
     * @param stallLimit how long a streamed answer's client may take nothing (the idle timeout)
     */
    HttpConnectionHandler(
            HttpEndpoint endpoint,
            int maxBodyBytes,
            RateLimitedLog errors,
            StreamCounters streams,
            Duration stallLimit) {
        this.endpoint = endpoint;
        this.maxBodyBytes = maxBodyBytes;
        this.errors = errors;
        this.streams = streams;
        this.stallLimit = stallLimit;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        deadlines = ctx.pipeline().get(ConnectionDeadlines.class);
        aggregator = ctx.pipeline().get(BodyLimitAggregator.class);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (closing) {
                return;
            }
            if (msg instanceof BodyLimitAggregator.Oversized oversized) {
                received(ctx);
                Exchange ex = exchange(oversized.request(), false);
                send(
                        ex,
                        oversized.overBudget()
                                ? endpoint.refuse(
                                                503,
                                                "Server busy: too many request bodies in memory, try again later",
                                                ex.origin())
                                        .withHeader("Retry-After", "1")
                                : endpoint.refuse(413, "Request body over " + maxBodyBytes + " bytes", ex.origin()),
                        true);
            } else if (msg instanceof FullHttpRequest request) {
                received(ctx);
                handle(request);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** A whole request arrived: its clock stops, and its body's bytes go back to the budget once copied. */
    private void received(ChannelHandlerContext ctx) {
        if (received - written + 1 >= PAUSE_READING_AT && ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
        }
        if (deadlines != null) {
            deadlines.requestReceived();
        }
    }

    /** True while this connection owes answers. */
    boolean answering() {
        return written < received || streaming != null;
    }

    private static final String TRACEPARENT = "traceparent";

    private void handle(FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            Exchange ex = exchange(request, false);
            Throwable cause = request.decoderResult().cause();
            String reason = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
            send(ex, endpoint.refuse(400, "Malformed HTTP request" + reason, ex.origin()), true);
            return;
        }
        Exchange ex = exchange(request, HttpUtil.isKeepAlive(request));
        HttpHeaders headers = request.headers();
        CompletableFuture<Rendered> answer = endpoint.handle(new HttpExchange(
                request.method().name(),
                request.uri(),
                headers.get(HttpHeaderNames.CONTENT_TYPE),
                ex.origin(),
                headers.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS),
                body(request),
                headers.get(TRACEPARENT)));
        answer.whenComplete((rendered, error) ->
                send(ex, error == null ? rendered : endpoint.refuse(500, "Internal error", ex.origin()), false));
    }

    /** The body copied off the (direct) buffer, whose bytes go back to the server's budget at once. */
    private byte[] body(FullHttpRequest request) {
        byte[] bytes = ByteBufUtil.getBytes(request.content());
        if (aggregator != null) {
            aggregator.released();
        }
        return bytes;
    }

    private Exchange exchange(HttpRequest request, boolean keepAlive) {
        String path = new QueryStringDecoder(request.uri()).rawPath();
        return new Exchange(
                received++,
                request.protocolVersion(),
                request.method(),
                path,
                request.headers().get(HttpHeaderNames.ORIGIN),
                keepAlive,
                System.nanoTime());
    }

    /** Builds the Netty response on the calling thread, then hands it to the event loop. */
    private void send(Exchange ex, Rendered rendered, boolean close) {
        if (rendered.stream() != null) {
            sendStream(ex, rendered);
            return;
        }
        FullHttpResponse response;
        try {
            response = toResponse(ex, rendered);
        } catch (IllegalArgumentException e) {
            // a header from the service that HTTP cannot carry
            log.warn("Cannot send the answer to {}: {}", ex.line(), e.getMessage());
            response = toResponse(ex, endpoint.refuse(500, "Invalid response header: " + e.getMessage(), ex.origin()));
        }
        FullHttpResponse built = response;
        onLoop(() -> finish(ex, new Outgoing(built, close, ex.line(), ex.startNanos(), null, null)));
    }

    /**
     * A streamed answer: chunked (close-delimited for HTTP/1.0), its producer started when its turn
     * comes; to {@code HEAD} the head alone, and the producer never runs.
     */
    private void sendStream(Exchange ex, Rendered rendered) {
        HttpResponse head;
        try {
            head = ex.method().equals(HttpMethod.HEAD)
                    ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(rendered.status()))
                    : new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(rendered.status()));
            copyHeaders(rendered, head.headers());
        } catch (IllegalArgumentException e) {
            rendered.stream().discard();
            send(ex, endpoint.refuse(500, "Invalid response header: " + e.getMessage(), ex.origin()), false);
            return;
        }
        boolean chunked = ex.version().equals(HttpVersion.HTTP_1_1);
        if (chunked) {
            HttpUtil.setTransferEncodingChunked(head, true);
        }
        Exchange sent = chunked ? ex : ex.withoutKeepAlive(); // HTTP/1.0: the close ends the body
        Outgoing out;
        if (head instanceof FullHttpResponse headOnly) {
            rendered.stream().discard();
            out = new Outgoing(headOnly, false, ex.line(), ex.startNanos(), null, null);
        } else {
            FullHttpResponse failure = toResponse(
                    ex, endpoint.refuse(500, "Internal error: the stream failed before its first byte", ex.origin()));
            HttpUtil.setKeepAlive(failure.headers(), sent.version(), sent.keepAlive());
            out = new Outgoing(head, false, ex.line(), ex.startNanos(), rendered.stream(), failure);
        }
        onLoop(() -> finish(sent, out));
    }

    private void onLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    private static FullHttpResponse toResponse(Exchange ex, Rendered rendered) {
        byte[] body = rendered.body();
        boolean head = ex.method().equals(HttpMethod.HEAD);
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(rendered.status()),
                head || body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        copyHeaders(rendered, response.headers());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    private static final AsciiString JSON = AsciiString.cached(ResponseRenderer.JSON);
    private static final AsciiString TEXT = AsciiString.cached(ResponseRenderer.TEXT);

    /**
     * Band's own content types as {@link AsciiString}s, which the encoder copies as a block: a
     * {@code String} header value goes into the direct buffer a byte at a time.
     */
    private static CharSequence ascii(String contentType) {
        if (contentType.equals(ResponseRenderer.JSON)) {
            return JSON;
        }
        return contentType.equals(ResponseRenderer.TEXT) ? TEXT : contentType;
    }

    /** Content type and the service's headers; the length is the caller's. */
    private static void copyHeaders(Rendered rendered, HttpHeaders headers) {
        if (rendered.contentType() != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, ascii(rendered.contentType()));
        }
        for (List<String> header : rendered.headers()) {
            if (header.size() != 2 || HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(header.get(0))) {
                continue;
            }
            if (HttpHeaderNames.CONTENT_TYPE.contentEqualsIgnoreCase(header.get(0))
                    || HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN.contentEqualsIgnoreCase(header.get(0))
                    || HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS.contentEqualsIgnoreCase(header.get(0))) {
                headers.set(header.get(0), header.get(1));
            } else {
                headers.add(header.get(0), header.get(1));
            }
        }
    }

    /** Queues the answer and writes every answer whose turn has come (on the event loop). */
    private void finish(Exchange ex, Outgoing out) {
        if (out.close()) {
            out.response().headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else {
            HttpUtil.setKeepAlive(out.response().headers(), ex.version(), ex.keepAlive());
        }
        ready.put(ex.seq(), out);
        flushReady();
    }

    private void flushReady() {
        Outgoing next;
        while (!closing && streaming == null && (next = ready.remove(written)) != null) {
            written++;
            if (log.isDebugEnabled()) {
                log.debug(
                        "{} {} {} ms",
                        next.line(),
                        next.response().status().code(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - next.startNanos()));
            }
            if (!ctx.channel().isActive()) {
                next.release();
                continue;
            }
            if (next.stream() != null) {
                // the next answers wait for this one's end, which runs flushReady again
                StreamWriter writer = new StreamWriter(
                        ctx,
                        next.response(),
                        next.failure(),
                        next.line(),
                        streams,
                        this::streamEnded,
                        stallLimit,
                        errors);
                streaming = writer;
                writer.start(next.stream());
            } else if (next.close()) {
                closeAfter((FullHttpResponse) next.response());
            } else {
                // the keep-alive handler closes after an answer carrying Connection: close
                ctx.writeAndFlush(next.response());
            }
        }
        if (closing) {
            ready.values().forEach(Outgoing::release);
            ready.clear();
        } else if (!ctx.channel().config().isAutoRead() && received - written <= PAUSE_READING_AT / 2) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** The streamed answer is over (on the event loop): the answers queued behind it go out. */
    private void streamEnded() {
        streaming = null;
        flushReady();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (streaming != null) {
            streaming.writabilityChanged();
        }
        super.channelWritabilityChanged(ctx);
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
        if (streaming != null) {
            streaming.closed();
        }
        ready.values().forEach(Outgoing::release);
        ready.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof BodyLimitAggregator.BodyOverBudget) {
            errors.warn(
                    "body-budget",
                    "Closed an HTTP connection from {}: {}",
                    ctx.channel().remoteAddress(),
                    root.getMessage());
        } else {
            log.debug("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }
}
