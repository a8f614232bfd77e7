package org.rockstat.band.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.rockstat.band.Band;
import org.rockstat.band.RunningService;
import org.rockstat.band.config.Settings;

/**
 * The other JVM of the RPC, HTTP and start-up pairs. {@code raw}: a minimal Netty keep-alive HTTP
 * server answering {@link BenchService#PING_BODY} on every path, plus a Lettuce pub/sub echo
 * (subscribed to {@code raw-svc}, publishing every message back on {@code raw-cli}). {@code band}:
 * a Band service {@code bench-svc} with the 50 handlers of {@link BenchService}.
 *
 * <p>Talks to the bench over stdin/stdout: prints {@code BENCH READY <httpPort>}; answers
 * {@code mem} with {@code BENCH MEM <heapBytesAfterGc> <rssBytes>}; exits on {@code quit} or when
 * stdin closes (so it never outlives the bench).
 */
public final class Peer {
    static final String RAW_SERVICE = "raw-svc";
    static final String RAW_CLIENT = "raw-cli";
    /** Diagnostic twin: the echo hands each message to a new virtual thread before publishing, as Band's delivery does. */
    static final String RAW_SERVICE_VT = "raw-svc-vt";

    static final String RAW_CLIENT_VT = "raw-cli-vt";
    static final String BAND_SERVICE = "bench-svc";

    private Peer() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String dsn = args[1];
        int port = Integer.parseInt(args[2]);
        AutoCloseable running;
        int httpPort;
        if (mode.equals("band")) {
            RunningService band = Band.create(Settings.of(Map.of(
                            "name",
                            BAND_SERVICE,
                            "listen",
                            "127.0.0.1:" + port,
                            "redis_dsn",
                            dsn,
                            "rpc",
                            Map.of("max_in_flight", 4096))))
                    .service(new BenchService())
                    .start();
            band.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
            httpPort = band.httpPort();
            running = band;
        } else {
            RawPeer raw = new RawPeer(dsn, port);
            httpPort = raw.httpPort;
            running = raw;
        }
        System.out.println("BENCH READY " + httpPort);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("mem")) {
                System.out.println("BENCH MEM " + heapAfterGc() + " " + rss());
                System.out.flush();
            } else if (line.equals("quit")) {
                break;
            }
        }
        running.close();
        System.exit(0);
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long rss() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    /** Netty + Lettuce with nothing on top: the building blocks Band uses. */
    static final class RawPeer implements AutoCloseable {
        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        private final Channel server;
        private final RedisClient redis;
        private final StatefulRedisPubSubConnection<String, String> sub;
        private final StatefulRedisConnection<String, String> pub;
        final int httpPort;

        RawPeer(String dsn, int port) throws Exception {
            byte[] body = BenchService.PING_BODY.getBytes(StandardCharsets.UTF_8);
            server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(
                                            new HttpServerCodec(),
                                            new HttpObjectAggregator(1 << 20),
                                            new SimpleChannelInboundHandler<FullHttpRequest>() {
                                                @Override
                                                protected void channelRead0(
                                                        ChannelHandlerContext ctx, FullHttpRequest req) {
                                                    ByteBuf content = Unpooled.wrappedBuffer(body);
                                                    FullHttpResponse res = new DefaultFullHttpResponse(
                                                            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
                                                    res.headers()
                                                            .set(
                                                                    HttpHeaderNames.CONTENT_TYPE,
                                                                    HttpHeaderValues.APPLICATION_JSON)
                                                            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                                                    boolean keepAlive = HttpUtil.isKeepAlive(req);
                                                    if (keepAlive) {
                                                        ctx.writeAndFlush(res);
                                                    } else {
                                                        ctx.writeAndFlush(res).addListener(f -> ctx.close());
                                                    }
                                                }

                                                @Override
                                                public void exceptionCaught(
                                                        ChannelHandlerContext ctx, Throwable cause) {
                                                    ctx.close(); // wrk resets its connections at the end of a run
                                                }
                                            });
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port))
                    .sync()
                    .channel();
            httpPort = ((InetSocketAddress) server.localAddress()).getPort();
            redis = RedisClient.create(RedisURI.create(dsn));
            pub = redis.connect();
            RedisAsyncCommands<String, String> publish = pub.async();
            sub = redis.connectPubSub();
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    if (channel.equals(RAW_SERVICE_VT)) {
                        Thread.ofVirtual().start(() -> publish.publish(RAW_CLIENT_VT, message));
                    } else {
                        publish.publish(RAW_CLIENT, message);
                    }
                }
            });
            sub.sync().subscribe(RAW_SERVICE, RAW_SERVICE_VT);
        }

        @Override
        public void close() {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            sub.close();
            pub.close();
            redis.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }
}
