package org.rockstat.band.internal.http;

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
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.method.HttpRoute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's own HTTP endpoint (PROTOCOL §5): every exposed method over {@code GET} and
 * {@code POST}, rendered as front renders it, with CORS. A thin Netty front over the
 * {@link Dispatcher}: the event loop only parses and writes; calls run on virtual threads.
 *
 * <pre>{@code
 * HttpServer http = new HttpServer(dispatcher, model.httpRoutes(), HttpOptions.from(settings));
 * int port = http.start("0.0.0.0", 8080);
 * ...
 * http.stop();
 * }</pre>
 */
public final class HttpServer {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    private final Dispatcher dispatcher;
    private final HttpRouter router;
    private final CorsPolicy cors;
    private final HttpOptions options;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel channel;
    private boolean stopped;

    /** A server for the given routes; nothing is bound until {@link #start}. */
    public HttpServer(Dispatcher dispatcher, List<HttpRoute> routes, HttpOptions options) {
        this.dispatcher = dispatcher;
        this.router = new HttpRouter(routes);
        this.cors = new CorsPolicy(options.corsOrigins());
        this.options = options;
    }

    /**
     * Binds and starts serving.
     *
     * @param port the port, or 0 for an ephemeral one
     * @return the bound port
     * @throws IllegalStateException when already started, or the address cannot be bound
     */
    public synchronized int start(String host, int port) {
        if (channel != null || stopped) {
            throw new IllegalStateException("HTTP server already " + (stopped ? "stopped" : "started"));
        }
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("band-http-accept", true),
                NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("band-http", true),
                NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("codec", new HttpServerCodec())
                                .addLast("keep-alive", new HttpServerKeepAliveHandler())
                                .addLast("aggregator", new BodyLimitAggregator(options.maxBodyBytes()))
                                .addLast("band", new BandHttpHandler(dispatcher, router, cors));
                    }
                });
        ChannelFuture bind = bootstrap.bind(host, port).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            shutdownGroups();
            stopped = true;
            Throwable cause = bind.cause();
            throw new IllegalStateException("Cannot listen for HTTP on " + host + ":" + port + ": "
                    + (cause == null ? "unknown error" : cause.getMessage())
                    + " (is another process using the port? change 'listen' in config.yaml)", cause);
        }
        channel = bind.channel();
        int bound = ((InetSocketAddress) channel.localAddress()).getPort();
        log.info("HTTP listening on {}:{}", host, bound);
        return bound;
    }

    /** Stops accepting, closes connections and frees the threads; safe to call more than once. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        shutdownGroups();
        log.debug("HTTP server stopped");
    }

    private void shutdownGroups() {
        for (EventLoopGroup group : new EventLoopGroup[] {boss, workers}) {
            if (group != null) {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }
}
