package org.rockstat.band.internal.http.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.rockstat.band.internal.http.HttpEndpoint;
import org.rockstat.band.internal.report.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty side of the service's HTTP endpoint: binds, builds each connection's pipeline
 * (codec, keep-alive, body limit, {@link HttpConnectionHandler}) and stops. Everything about
 * what to answer is the {@link HttpEndpoint}'s; the event loop only parses and writes.
 *
 * <pre>{@code
 * HttpServer http = new HttpServer(endpoint, new HttpServer.Limits(1 << 20, 32 << 20, 2000,
 *         Duration.ofSeconds(10), Duration.ofSeconds(60)));
 * int port = http.start("0.0.0.0", 8080);
 * ...
 * http.stop();
 * }</pre>
 */
public final class HttpServer {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    /** One line per kind of connection-level trouble per interval, per server. */
    private final RateLimitedLog errors = new RateLimitedLog(log, Duration.ofSeconds(10));

    /**
     * Requests the codec may hold decoded but unanswered on one connection (Netty's default, 128,
     * closes a connection pipelining more). The connection handler stops reading at
     * {@link HttpConnectionHandler#PAUSE_READING_AT} owed answers; what one read already holds
     * (64 KiB of the shortest requests: under 4 000) must still fit.
     */
    static final int MAX_PIPELINE_DEPTH = 16_384;

    private final HttpEndpoint endpoint;
    private final int maxBodyBytes;
    private final Limits limits;
    private final BodyBudget budget;
    private final StreamCounters streams = new StreamCounters();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong refusedConnections = new AtomicLong();
    private final AtomicLong evictedConnections = new AtomicLong();
    private final java.util.Set<ConnectionDeadlines> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel channel;
    private boolean stopped;
    private volatile boolean accepting;

    /**
     * What a connection may take.
     *
     * @param maxBodyBytes    largest request body
     * @param maxBuffered     request bytes all connections together may hold at once
     * @param maxConnections  open connections; at the limit the one idle the longest is closed for a new one, or the new one when none is idle
     * @param requestTimeout  a request must arrive whole within this of its first byte (408)
     * @param idleTimeout     a keep-alive connection owing no answer is closed after this, and so
     *                        is one whose client takes nothing of a streamed answer for this long
     */
    public record Limits(
            int maxBodyBytes, long maxBuffered, int maxConnections, Duration requestTimeout, Duration idleTimeout) {}

    /** A server answering with {@code endpoint}; nothing is bound until {@link #start}. */
    public HttpServer(HttpEndpoint endpoint, Limits limits) {
        this.endpoint = endpoint;
        this.maxBodyBytes = limits.maxBodyBytes();
        this.limits = limits;
        this.budget = new BodyBudget(limits.maxBuffered());
    }

    /** Connections open now. */
    public int connections() {
        return connections.get();
    }

    /** What streamed answers went through, and the body bytes they hold now and at most. */
    public StreamCounters streams() {
        return streams;
    }

    /** Connections closed at once because {@link Limits#maxConnections()} were open. */
    public long refusedConnections() {
        return refusedConnections.get();
    }

    /** Idle connections closed to make room for new ones at {@link Limits#maxConnections()}. */
    public long evictedConnections() {
        return evictedConnections.get();
    }

    /**
     * At the cap: closes the connection idle the longest so a new one fits (the count is over by
     * one until that close completes). False when every connection is busy.
     */
    private boolean evictIdlest() {
        ConnectionDeadlines idlest = null;
        long since = ConnectionDeadlines.BUSY;
        for (ConnectionDeadlines c : open) {
            long s = c.idleSinceNanos();
            if (s < since) {
                since = s;
                idlest = c;
            }
        }
        if (idlest == null) {
            return false;
        }
        open.remove(idlest);
        idlest.evict();
        evictedConnections.incrementAndGet();
        errors.warn(
                "evicted",
                "At the HTTP connection limit ({}, http.max_connections): closed the connection idle the longest"
                        + " to accept a new one",
                limits.maxConnections());
        return true;
    }

    /** The address could not be bound (in use, not local, not permitted). */
    public static final class BindFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BindFailure(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /**
     * Binds and starts serving.
     *
     * @param port the port, or 0 for an ephemeral one
     * @return the bound port
     * @throws BindFailure when the address cannot be bound
     * @throws IllegalStateException when already started or stopped
     */
    public int start(String host, int port) {
        lock.lock();
        try {
            if (channel != null || stopped) {
                throw new IllegalStateException("HTTP server already " + (stopped ? "stopped" : "started"));
            }
            boss = new MultiThreadIoEventLoopGroup(
                    1, new DefaultThreadFactory("band-http-accept", true), NioIoHandler.newFactory());
            workers = new MultiThreadIoEventLoopGroup(
                    0, new DefaultThreadFactory("band-http", true), NioIoHandler.newFactory());
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (connections.incrementAndGet() > limits.maxConnections() && !evictIdlest()) {
                                connections.decrementAndGet();
                                refusedConnections.incrementAndGet();
                                errors.warn(
                                        "connections",
                                        "Closed a new HTTP connection from {}: {} are open, none idle,"
                                                + " the limit (http.max_connections)",
                                        ch.remoteAddress(),
                                        limits.maxConnections());
                                ch.close();
                                return;
                            }
                            HttpConnectionHandler handler = new HttpConnectionHandler(
                                    endpoint, maxBodyBytes, errors, streams, limits.idleTimeout());
                            ConnectionDeadlines deadlines = new ConnectionDeadlines(
                                    limits.requestTimeout(), limits.idleTimeout(), handler::answering);
                            open.add(deadlines);
                            ch.closeFuture().addListener(closed -> {
                                open.remove(deadlines);
                                connections.decrementAndGet();
                            });
                            ch.pipeline()
                                    .addLast("deadlines", deadlines)
                                    .addLast("codec", new HttpServerCodec(new HttpDecoderConfig(), MAX_PIPELINE_DEPTH))
                                    .addLast("keep-alive", new HttpServerKeepAliveHandler())
                                    .addLast("aggregator", new BodyLimitAggregator(maxBodyBytes, budget))
                                    .addLast("band", handler);
                        }
                    });
            ChannelFuture bind = bootstrap.bind(host, port).awaitUninterruptibly();
            if (!bind.isSuccess()) {
                shutdownGroups();
                stopped = true;
                Throwable cause = bind.cause();
                throw new BindFailure(
                        cause == null || cause.getMessage() == null ? "unknown error" : cause.getMessage(), cause);
            }
            channel = bind.channel();
            accepting = true;
            // after the acceptor: accept failures (out of file descriptors...) end here, one line per interval
            channel.pipeline().addLast("band-accept-errors", new AcceptErrors(errors));
            int bound = ((InetSocketAddress) channel.localAddress()).getPort();
            log.info("HTTP listening on {}:{}", host, bound);
            return bound;
        } finally {
            lock.unlock();
        }
    }

    /** True from a successful {@link #start} until {@link #stopAccepting()}: readiness's {@code http} check. */
    public boolean accepting() {
        return accepting;
    }

    /** Stops accepting new connections; open ones go on (a draining service finishes its calls). */
    public void stopAccepting() {
        lock.lock();
        try {
            accepting = false;
            if (channel != null && channel.isOpen()) {
                channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops accepting, closes connections and frees the threads; safe to call more than once. */
    public void stop() {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            accepting = false;
            if (channel != null) {
                channel.close().syncUninterruptibly();
            }
            shutdownGroups();
            log.debug("HTTP server stopped");
        } finally {
            lock.unlock();
        }
    }

    /** Accept-loop failures, logged once per interval without a stack trace (the acceptor already backs off). */
    private static final class AcceptErrors extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final RateLimitedLog errors;

        AcceptErrors(RateLimitedLog errors) {
            this.errors = errors;
        }

        @Override
        public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
            errors.warn("accept", "Accepting HTTP connections failed: {}", cause.toString());
        }
    }

    private void shutdownGroups() {
        for (EventLoopGroup group : new EventLoopGroup[] {boss, workers}) {
            if (group != null) {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }
}
