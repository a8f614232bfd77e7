package org.rockstat.band.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.rockstat.band.BandClient;
import org.rockstat.band.client.RpcClient;

/**
 * Pair 1: RPC round trip over Redis. Raw: Lettuce pub/sub ping-pong with the other JVM's
 * {@link Peer.RawPeer} (one subscribe and one publish connection each side, as Band has). Band:
 * this JVM's Band client calling {@code bench-svc.echo} in the other JVM.
 */
final class RpcPair implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** ~200-byte message: the Band request for these params is what the raw side ping-pongs. */
    final ObjectNode params;

    final String rawMessage;

    private final RedisClient redis;
    private final StatefulRedisPubSubConnection<String, String> sub;
    private final StatefulRedisConnection<String, String> pub;
    private final RedisAsyncCommands<String, String> publish;
    private volatile Runnable onRawReply = () -> {};
    private final BandClient client;
    private final RpcClient rpc;

    RpcPair(String dsn) throws Exception {
        params = JsonNodeFactory.instance.objectNode();
        params.put("name", "in.gen.track");
        params.putObject("data")
                .put("page", "https://example.org/landing?utm_source=bench")
                .put("n", 42);
        rawMessage = DispatchBench.request("1712345678901", Peer.RAW_SERVICE, "echo", Peer.RAW_CLIENT, params);
        redis = RedisClient.create(RedisURI.create(dsn));
        pub = redis.connect();
        publish = pub.async();
        sub = redis.connectPubSub();
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                if (channel.equals(Peer.RAW_CLIENT_VT)) {
                    Runnable reply = onRawReply;
                    Thread.ofVirtual().start(reply);
                } else {
                    onRawReply.run();
                }
            }
        });
        sub.sync().subscribe(Peer.RAW_CLIENT, Peer.RAW_CLIENT_VT);
        client = BandClient.connect("bench-cli", dsn);
        client.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
        rpc = client;
    }

    int messageBytes() {
        return rawMessage.length();
    }

    /** Sequential round trips; returns {p50, p99} in microseconds. */
    double[] rawLatency(int calls) throws Exception {
        return rawLatency(calls, false);
    }

    /** With {@code vtHop}: one virtual-thread hand-off on each side, as Band's message delivery has. */
    double[] rawLatency(int calls, boolean vtHop) throws Exception {
        String channel = vtHop ? Peer.RAW_SERVICE_VT : Peer.RAW_SERVICE;
        long[] lat = new long[calls];
        for (int i = 0; i < calls; i++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            onRawReply = () -> done.complete(null);
            long t = System.nanoTime();
            publish.publish(channel, rawMessage);
            done.get(10, TimeUnit.SECONDS);
            lat[i] = System.nanoTime() - t;
        }
        onRawReply = () -> {};
        return percentiles(lat);
    }

    double[] bandLatency(int calls) throws Exception {
        return bandLatency(calls, params);
    }

    double[] bandLatency(int calls, ObjectNode p) throws Exception {
        long[] lat = new long[calls];
        for (int i = 0; i < calls; i++) {
            long t = System.nanoTime();
            rpc.request(Peer.BAND_SERVICE, "echo", p, TIMEOUT).get(10, TimeUnit.SECONDS);
            lat[i] = System.nanoTime() - t;
        }
        return percentiles(lat);
    }

    /** Polls {@code bench-svc.echo} every 2 ms until it answers (a service just started); false at the deadline. */
    boolean awaitBandAnswer(long deadlineNanos) throws InterruptedException {
        while (System.nanoTime() < deadlineNanos) {
            try {
                rpc.request(Peer.BAND_SERVICE, "echo", params, Duration.ofMillis(500))
                        .get(1, TimeUnit.SECONDS);
                return true;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                Thread.sleep(2); // not subscribed or not answering yet
            }
        }
        return false;
    }

    /** Closed loop with {@code inFlight} messages always outstanding; calls per second over the window. */
    double rawThroughput(int inFlight, long warmupMs, long windowMs) throws Exception {
        return rawThroughput(inFlight, warmupMs, windowMs, false);
    }

    double rawThroughput(int inFlight, long warmupMs, long windowMs, boolean vtHop) throws Exception {
        String channel = vtHop ? Peer.RAW_SERVICE_VT : Peer.RAW_SERVICE;
        AtomicLong replies = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong outstanding = new AtomicLong(inFlight);
        onRawReply = () -> {
            replies.incrementAndGet();
            if (running.get()) {
                publish.publish(channel, rawMessage);
            } else {
                outstanding.decrementAndGet();
            }
        };
        for (int i = 0; i < inFlight; i++) {
            publish.publish(channel, rawMessage);
        }
        double rate = window(replies, warmupMs, windowMs);
        running.set(false);
        drain(outstanding);
        onRawReply = () -> {};
        return rate;
    }

    double bandThroughput(int inFlight, long warmupMs, long windowMs) throws Exception {
        return bandThroughput(inFlight, warmupMs, windowMs, params, 0).callsPerSecond();
    }

    /** A throughput window, with the server's CPU over the same window when its pid is known. */
    record Load(double callsPerSecond, double serverCpuUsPerCall) {}

    Load bandThroughput(int inFlight, long warmupMs, long windowMs, ObjectNode p, long serverPid) throws Exception {
        return bandThroughput(ECHO, inFlight, warmupMs, windowMs, p, serverPid);
    }

    /** {@code bench-svc.echo}, a method that may block: each call runs on a virtual thread of its own. */
    static final String ECHO = "echo";
    /** The same echo declared non-blocking: each call runs on the event loop that read it (the RPC fast path). */
    static final String ECHO_NON_BLOCKING = "echoNonBlocking";

    /** Calls of {@code method} ({@link #ECHO} or {@link #ECHO_NON_BLOCKING}) with {@code inFlight} in flight. */
    Load bandThroughput(String method, int inFlight, long warmupMs, long windowMs, ObjectNode p, long serverPid)
            throws Exception {
        AtomicLong replies = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong outstanding = new AtomicLong(inFlight);
        Runnable[] fire = new Runnable[1];
        fire[0] = () -> rpc.request(Peer.BAND_SERVICE, method, p, TIMEOUT).whenComplete((v, e) -> {
            if (e != null) {
                errors.incrementAndGet();
            } else {
                replies.incrementAndGet();
            }
            if (running.get()) {
                fire[0].run();
            } else {
                outstanding.decrementAndGet();
            }
        });
        for (int i = 0; i < inFlight; i++) {
            fire[0].run();
        }
        Load load = window(replies, warmupMs, windowMs, serverPid);
        running.set(false);
        drain(outstanding);
        if (errors.get() > 0) {
            System.err.println("  band throughput at " + inFlight + " in flight: " + errors.get() + " failed calls");
        }
        return load;
    }

    private static double window(AtomicLong replies, long warmupMs, long windowMs) throws InterruptedException {
        return window(replies, warmupMs, windowMs, 0).callsPerSecond();
    }

    private static Load window(AtomicLong replies, long warmupMs, long windowMs, long serverPid)
            throws InterruptedException {
        Thread.sleep(warmupMs);
        double cpu0 = serverPid > 0 ? ProcStat.cpuSeconds(serverPid) : 0;
        long c0 = replies.get();
        long t0 = System.nanoTime();
        Thread.sleep(windowMs);
        long c1 = replies.get();
        long t1 = System.nanoTime();
        double cpu1 = serverPid > 0 ? ProcStat.cpuSeconds(serverPid) : 0;
        long calls = c1 - c0;
        return new Load(calls * 1e9 / (t1 - t0), calls == 0 ? Double.NaN : (cpu1 - cpu0) * 1e6 / calls);
    }

    private static void drain(AtomicLong outstanding) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    static double[] percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return new double[] {
            s[(int) (s.length * 0.50)] / 1000.0, s[Math.min(s.length - 1, (int) (s.length * 0.99))] / 1000.0
        };
    }

    @Override
    public void close() {
        client.close();
        sub.close();
        pub.close();
        redis.shutdown(0, 1, TimeUnit.SECONDS);
    }
}
