package org.rockstat.band.internal.runtime;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
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
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A minimal Redis in this JVM for the AOT cache's training run ({@link AotTraining}). An image
 * build has no Redis, yet the first connect of every start from the cache is most of what remains
 * cold (Lettuce's handshake, the subscription, pub/sub messages decoded through Band's codec,
 * the transport's canary round trip): against this, a real {@code RedisTransport} goes through
 * all of it while the cache is made.
 *
 * <p>It speaks what that transport says, as Redis 7 answers it: the RESP3 handshake ({@code HELLO
 * 3}, then {@code CLIENT SETINFO}), {@code PING}, {@code SUBSCRIBE}, {@code UNSUBSCRIBE} and
 * {@code PUBLISH} (delivered to its own subscribers, answered with their count); every other
 * command is an error. A client that sends no {@code HELLO} gets RESP2 pushes. No keys, no
 * patterns, no streams, no scripts, no AUTH: a stand-in on a loopback port for a few seconds,
 * never a Redis to run against. One event-loop thread serves every connection, so its state
 * needs no lock.
 *
 * <pre>{@code
 * try (TrainingRedis redis = TrainingRedis.start()) {
 *     Transport transport = Transports.create("redis://127.0.0.1:" + redis.port(), "svc", TransportOptions.defaults());
 *     ...
 * }
 * }</pre>
 */
final class TrainingRedis implements AutoCloseable {
    /** The connections subscribed to each channel; only the event loop touches it. */
    private final Map<String, Set<Connection>> subscribers = new HashMap<>();

    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("band-aot-redis", true), NioIoHandler.newFactory());
    private final Channel server;
    private long connections;

    private TrainingRedis() {
        var bind = new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new CommandDecoder(), new Connection());
                    }
                })
                .bind("127.0.0.1", 0)
                .awaitUninterruptibly();
        if (!bind.isSuccess()) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot listen on loopback: " + bind.cause(), bind.cause());
        }
        server = bind.channel();
    }

    /**
     * Listens on a free port of 127.0.0.1.
     *
     * @throws IllegalStateException when it cannot bind
     */
    static TrainingRedis start() {
        return new TrainingRedis();
    }

    /** The port it listens on. */
    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Closes every connection and stops listening. */
    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /** Each command as Lettuce writes it: an array of bulk strings. Anything else fails the connection. */
    private static final class CommandDecoder extends ByteToMessageDecoder {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int start = in.readerIndex();
            List<byte[]> command = command(in);
            if (command == null) {
                in.readerIndex(start); // not all here yet: decoded again once more has arrived
            } else {
                out.add(command);
            }
        }

        private static List<byte[]> command(ByteBuf in) {
            int count = header(in, '*');
            if (count < 0) {
                return null;
            }
            List<byte[]> args = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int length = header(in, '$');
                if (length < 0 || in.readableBytes() < length + 2) {
                    return null;
                }
                byte[] arg = new byte[length];
                in.readBytes(arg).skipBytes(2);
                args.add(arg);
            }
            return args;
        }

        /** The number after {@code type} on the next line, or -1 when that line is not all here yet. */
        private static int header(ByteBuf in, char type) {
            int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (lf < 0) {
                return -1;
            }
            if (in.readByte() != type) {
                throw new DecoderException("not a RESP command: expected '" + type + "'");
            }
            int number = Integer.parseInt(in.readCharSequence(lf - 1 - in.readerIndex(), StandardCharsets.US_ASCII)
                    .toString());
            in.readerIndex(lf + 1);
            if (number < 0) {
                throw new DecoderException("not a RESP command: negative length");
            }
            return number;
        }
    }

    /** One client connection: its protocol and its subscriptions. */
    private final class Connection extends SimpleChannelInboundHandler<List<byte[]>> {
        private final Set<String> channels = new LinkedHashSet<>();
        private Channel channel;
        private boolean resp3;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            connections++;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, List<byte[]> command) {
            if (command.isEmpty()) {
                return;
            }
            ByteBuf out = ctx.alloc().buffer();
            String name = upper(command.get(0));
            List<byte[]> args = command.subList(1, command.size());
            switch (name) {
                case "HELLO" -> hello(args, out);
                case "PING" -> line(out, "+PONG");
                case "CLIENT" -> client(args, out);
                case "SUBSCRIBE" -> subscribe(args, out);
                case "UNSUBSCRIBE" -> unsubscribe(args, out);
                case "PUBLISH" ->
                    line(
                            out,
                            args.size() == 2
                                    ? ":" + publish(args.get(0), args.get(1))
                                    : "-ERR wrong number of arguments for 'publish' command");
                default -> line(out, "-ERR unknown command '" + name + "'");
            }
            ctx.writeAndFlush(out);
        }

        private void hello(List<byte[]> args, ByteBuf out) {
            if (args.isEmpty() || !text(args.get(0)).equals("3")) {
                // Lettuce then falls back to RESP2 (PING), as against a Redis older than 6
                line(out, "-NOPROTO unsupported protocol version");
                return;
            }
            resp3 = true;
            line(out, "%7");
            bulk(out, "server", "redis", "version", "7.4.0", "proto");
            line(out, ":3");
            bulk(out, "id");
            line(out, ":" + connections);
            bulk(out, "mode", "standalone", "role", "master", "modules");
            line(out, "*0");
        }

        /**
         * After the handshake Lettuce tells its name and version ({@code SETINFO}: Redis 7.2+ says OK)
         * and asks for maintenance notifications (unknown to Redis before 8: an error Lettuce ignores).
         */
        private void client(List<byte[]> args, ByteBuf out) {
            String sub = args.isEmpty() ? "" : upper(args.get(0));
            line(out, sub.equals("SETINFO") ? "+OK" : "-ERR unknown subcommand '" + sub + "'. Try CLIENT HELP.");
        }

        private void subscribe(List<byte[]> args, ByteBuf out) {
            if (args.isEmpty()) {
                line(out, "-ERR wrong number of arguments for 'subscribe' command");
            }
            for (byte[] channelName : args) {
                String subscribed = text(channelName);
                channels.add(subscribed);
                subscribers
                        .computeIfAbsent(subscribed, c -> new LinkedHashSet<>())
                        .add(this);
                push(out, "subscribe", channelName, channels.size());
            }
        }

        private void unsubscribe(List<byte[]> args, ByteBuf out) {
            List<byte[]> gone = new ArrayList<>(args);
            if (gone.isEmpty()) {
                channels.forEach(c -> gone.add(c.getBytes(StandardCharsets.UTF_8)));
            }
            if (gone.isEmpty()) {
                push(out, "unsubscribe", null, 0); // what Redis answers when nothing was subscribed
            }
            for (byte[] channelName : gone) {
                leave(text(channelName));
                push(out, "unsubscribe", channelName, channels.size());
            }
        }

        private void leave(String channelName) {
            channels.remove(channelName);
            Set<Connection> those = subscribers.get(channelName);
            if (those != null && those.remove(this) && those.isEmpty()) {
                subscribers.remove(channelName);
            }
        }

        /** A subscription's confirmation: a push in RESP3, an array in RESP2. */
        private void push(ByteBuf out, String kind, byte[] channelName, int count) {
            line(out, (resp3 ? ">" : "*") + "3");
            bulk(out, kind);
            if (channelName != null) {
                bulk(out, channelName);
            } else {
                line(out, resp3 ? "_" : "$-1");
            }
            line(out, ":" + count);
        }

        /** Writes {@code message} to this subscriber of {@code channelName}. */
        private void deliver(byte[] channelName, byte[] message) {
            ByteBuf out = channel.alloc().buffer(message.length + channelName.length + 32);
            line(out, (resp3 ? ">" : "*") + "3");
            bulk(out, "message");
            bulk(out, channelName);
            bulk(out, message);
            channel.writeAndFlush(out);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            List.copyOf(channels).forEach(this::leave);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a client that sends garbage is dropped, as Redis drops it
        }
    }

    /** Delivers to every subscriber of {@code channelName}; their number, as PUBLISH answers. */
    private int publish(byte[] channelName, byte[] message) {
        Set<Connection> those = subscribers.getOrDefault(text(channelName), Set.of());
        those.forEach(c -> c.deliver(channelName, message));
        return those.size();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A command's or subcommand's name, for the switch and for an error line (which must stay one line). */
    private static String upper(byte[] name) {
        return text(name).toUpperCase(Locale.ROOT).replaceAll("[\\r\\n]", " ");
    }

    private static void line(ByteBuf out, String line) {
        out.writeCharSequence(line, StandardCharsets.UTF_8);
        out.writeByte('\r').writeByte('\n');
    }

    private static void bulk(ByteBuf out, String... values) {
        for (String value : values) {
            bulk(out, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void bulk(ByteBuf out, byte[] value) {
        line(out, "$" + value.length);
        out.writeBytes(value).writeByte('\r').writeByte('\n');
    }
}
