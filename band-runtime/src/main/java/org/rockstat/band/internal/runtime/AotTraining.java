package org.rockstat.band.internal.runtime;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.config.DeepMerge;
import org.rockstat.band.internal.config.SettingsTrees;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.rpc.RpcEndpoint;
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
 * answer), {@code /__status}, {@code /__health/*} and a missing path over HTTP; then the same two
 * calls {@value #REDIS_ROUNDS} times over Redis, to a {@link TrainingRedis} in this JVM, through a
 * real Redis transport of their own (Lettuce's handshake, the subscription, the canary until
 * connected, the outbox, pub/sub messages decoded and handed to the inbox: the first connect of a
 * start from the cache is no longer cold); stops the service; and the JVM exits, writing the cache.
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

    /** Rounds of the two calls over Redis: 400 messages through the pub/sub read path. */
    static final int REDIS_ROUNDS = 100;

    private static final String NO_SUCH_METHOD = "__aot_training_no_such_method";
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

    /**
     * What a training run did: calls answered as expected, of how many, over the bus and HTTP; and
     * over Redis, where a call answered also proves the transport was connected (its publishes
     * fail before).
     */
    public record Result(int answered, int calls, int redisAnswered, int redisCalls, long millis) {
        /**
         * True when every call over the bus and HTTP was answered as expected. The calls over Redis
         * do not count: without them the cache lacks one path, and is still worth having.
         */
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
        int overRedis = 0;
        try {
            service.ready().get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            String name = service.config().name();
            for (int round = 0; round < ROUNDS; round++) {
                count(counts, rpc(service.client(), name, "__status", false, WITHIN));
                count(counts, rpc(service.client(), name, NO_SUCH_METHOD, true, WITHIN));
                for (String path : List.of("/__status", "/__health/ready", "/__health/live")) {
                    count(counts, http(service.httpPort(), path) == 200);
                }
                count(counts, http(service.httpPort(), "/__aot_training_no_such_path") == 404);
            }
            overRedis = overRedis(service, name);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("AOT training: the service did not become ready within {} s ({})", WITHIN.toSeconds(), e);
        } finally {
            service.stop();
        }
        return new Result(counts[0], counts[1], overRedis, REDIS_ROUNDS * 2, (System.nanoTime() - begin) / 1_000_000);
    }

    private static void count(int[] counts, boolean ok) {
        counts[1]++;
        if (ok) {
            counts[0]++;
        }
    }

    private static boolean rpc(RpcClient client, String name, String method, boolean notFound, Duration within) {
        try {
            client.call(name, method, null, within);
            return !notFound;
        } catch (RpcException e) {
            return notFound && e.code() == RpcException.METHOD_NOT_FOUND;
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
     * The service's own calls over Redis: a {@link TrainingRedis}, a real Redis transport to it and
     * an endpoint on that transport answering with the service's dispatcher, calling itself. The
     * transport's and the endpoint's lines ("Redis connected", "Listening on channels") would read
     * as if the build had reached a Redis: they are kept out of the log, and what went wrong is one
     * line of ours. Never throws: the training goes on without this path.
     *
     * @return the calls answered as expected, of {@code 2 * }{@value #REDIS_ROUNDS}
     */
    private static int overRedis(ServiceAssembly service, String name) throws InterruptedException {
        List<ch.qos.logback.classic.Logger> quiet = List.of(logback(RedisTransport.class), logback(RpcEndpoint.class));
        List<Level> levels =
                quiet.stream().map(ch.qos.logback.classic.Logger::getLevel).toList();
        quiet.forEach(l -> l.setLevel(Level.ERROR));
        AtomicReference<String> lastFailure = new AtomicReference<>("none");
        int answered = 0;
        String problem = "a call was not answered as expected";
        try (TrainingRedis redis = TrainingRedis.start()) {
            Transport transport =
                    Transports.create("redis://127.0.0.1:" + redis.port(), name, TransportOptions.defaults());
            transport.addListener(new TransportListener() {
                @Override
                public void attemptFailed(int attempt, Duration delay, String reason) {
                    lastFailure.set(reason);
                }
            });
            RpcEndpoint endpoint =
                    new RpcEndpoint(name, transport, service.config().rpc().maxMessageBytes());
            try {
                long deadline = System.nanoTime() + WITHIN.toNanos();
                // completes once the canary came back: the transport is CONNECTED
                endpoint.start(Set.of(name), service.dispatcher()).get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
                for (int round = 0; round < REDIS_ROUNDS; round++) {
                    Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
                    // the first call that goes wrong ends the step: the next would wait as long
                    if (!rpc(endpoint.client(), name, "__status", false, left)
                            || !rpc(endpoint.client(), name, NO_SUCH_METHOD, true, left)) {
                        break;
                    }
                    answered += 2;
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                problem = "not subscribed within " + WITHIN.toSeconds() + " s (" + e + "): the transport is "
                        + transport.state() + ", its last failed attempt: " + lastFailure.get();
            } finally {
                endpoint.close();
                transport.close();
            }
        } catch (RuntimeException e) {
            problem = e.toString();
        } finally {
            for (int i = 0; i < quiet.size(); i++) {
                quiet.get(i).setLevel(levels.get(i));
            }
        }
        if (answered < REDIS_ROUNDS * 2) {
            log.warn(
                    "AOT training: {} of {} calls over the in-JVM Redis answered as expected ({});"
                            + " the cache lacks part of the Redis path",
                    answered,
                    REDIS_ROUNDS * 2,
                    problem);
        }
        return answered;
    }

    private static ch.qos.logback.classic.Logger logback(Class<?> of) {
        return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(of);
    }
}
