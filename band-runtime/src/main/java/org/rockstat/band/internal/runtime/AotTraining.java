package org.rockstat.band.internal.runtime;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.config.DeepMerge;
import org.rockstat.band.internal.config.SettingsTrees;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.transport.RedisTransport;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.internal.transport.TransportListener;
import org.rockstat.band.internal.transport.TransportOptions;
import org.rockstat.band.internal.transport.Transports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training run of the JDK's AOT cache (JDK 25+, JEP 514/515). With the system property
 * {@value #PROPERTY}{@code =true} (what {@code start_dev} passes beside
 * {@code -XX:AOTCacheOutput}), {@code Band.start()} starts the service as usual but on the
 * in-process bus and a free loopback port, so no Redis and no free 8080 are needed (an image
 * build has neither); workers, tasks and cleanups do not run (user code with effects outside).
 * It then calls the service the ways the platform does, so the classes of those paths are loaded
 * and their methods profiled: {@code __status} over the bus, an unknown method (the error
 * answer), {@code /__status}, {@code /__health/*} and a missing path over HTTP; tries one
 * connection to a closed loopback port with the Redis client (its bootstrap classes are most of
 * what a first Redis connect loads); stops the service; and the JVM exits, writing the cache.
 *
 * <pre>{@code
 * java -XX:AOTCacheOutput=target/svc.aot -Dband.aot.training=true -jar target/svc.jar   # exits by itself
 * java -XX:AOTCache=target/svc.aot -jar target/svc.jar                                  # starts from the cache
 * }</pre>
 */
public final class AotTraining {
    /** The system property that makes {@code Band.start()} a training run. */
    public static final String PROPERTY = "band.aot.training";

    /** The in-process bus the training run uses instead of the configured transport. */
    static final String BUS = "memory://band-aot-training";

    /** Rounds of calls: enough for the interpreter's profiles, short enough for an image build. */
    static final int ROUNDS = 50;

    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(AotTraining.class);

    private AotTraining() {}

    /** True when this JVM is a training run. */
    public static boolean requested() {
        return Boolean.getBoolean(PROPERTY);
    }

    /** {@code settings} with the training run's transport (the in-process bus) and a free loopback port. */
    public static Settings settings(Settings settings) {
        ObjectNode overrides = (ObjectNode) Json.tree(Map.of("redis_dsn", BUS, "listen", "127.0.0.1:0"));
        return SettingsTrees.wrap(DeepMerge.merge(SettingsTrees.tree(settings), overrides));
    }

    /** What a training run did: calls answered as expected, of how many. */
    public record Result(int answered, int calls, long millis) {
        /** True when every call was answered as expected. */
        public boolean complete() {
            return answered == calls;
        }
    }

    /**
     * Starts the service with {@code start}, exercises it, stops it. Never throws for a call that
     * went wrong: the result counts it (a partial training still makes a usable cache).
     *
     * @throws org.rockstat.band.config.ConfigurationException when the service cannot start
     */
    public static Result run(Supplier<ServiceAssembly> start) throws InterruptedException {
        long begin = System.nanoTime();
        ServiceAssembly service = start.get();
        int[] counts = new int[2];
        try {
            service.ready().get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            String name = service.config().name();
            for (int round = 0; round < ROUNDS; round++) {
                count(counts, rpc(service, name, "__status", false));
                count(counts, rpc(service, name, "__aot_training_no_such_method", true));
                for (String path : List.of("/__status", "/__health/ready", "/__health/live")) {
                    count(counts, http(service.httpPort(), path) == 200);
                }
                count(counts, http(service.httpPort(), "/__aot_training_no_such_path") == 404);
            }
            warmRedisClient(name);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("AOT training: the service did not become ready within {} s ({})", WITHIN.toSeconds(), e);
        } finally {
            service.stop();
        }
        return new Result(counts[0], counts[1], (System.nanoTime() - begin) / 1_000_000);
    }

    private static void count(int[] counts, boolean ok) {
        counts[1]++;
        if (ok) {
            counts[0]++;
        }
    }

    private static boolean rpc(ServiceAssembly service, String name, String method, boolean failureExpected) {
        try {
            service.client().call(name, method, null, WITHIN);
            return !failureExpected;
        } catch (RpcException e) {
            return failureExpected;
        }
    }

    /** The status code of {@code GET path} on loopback, -1 when none came. */
    static int http(int port, String path) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) WITHIN.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            String[] status = answer.split(" ", 3);
            return status.length > 1 && status[0].startsWith("HTTP/") ? Integer.parseInt(status[1]) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * One failed connection attempt of the Redis transport to a closed loopback port: Lettuce's and
     * Netty's client classes (resources, bootstrap, handshake set-up) load and end up in the cache.
     * Its "unreachable" warning is expected here and kept out of the log.
     */
    private static void warmRedisClient(String name) throws InterruptedException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        } catch (IOException e) {
            return;
        }
        ch.qos.logback.classic.Logger transportLog =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(RedisTransport.class);
        Level level = transportLog.getLevel();
        transportLog.setLevel(Level.ERROR);
        Transport redis = Transports.create("redis://127.0.0.1:" + closed, name, TransportOptions.defaults());
        try {
            CountDownLatch failed = new CountDownLatch(1);
            redis.addListener(new TransportListener() {
                @Override
                public void attemptFailed(int attempt, Duration delay, String reason) {
                    failed.countDown();
                }
            });
            redis.start();
            failed.await(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            redis.close();
            transportLog.setLevel(level);
        }
    }
}
