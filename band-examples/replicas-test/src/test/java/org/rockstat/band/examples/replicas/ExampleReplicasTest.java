package org.rockstat.band.examples.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.examples.debug.DebugService;
import org.rockstat.band.examples.store_debug.StoreDebugService;
import org.rockstat.band.examples.uaparser.UaParserService;
import org.rockstat.band.fixtures.Figures;
import org.rockstat.band.fixtures.FreePorts;
import org.rockstat.band.fixtures.HttpProbe;
import org.rockstat.band.fixtures.JvmProcess;
import org.rockstat.band.fixtures.RedisServerExtension;

/**
 * Issue 12, part 1, on the example services themselves: replicas of {@code debug},
 * {@code uaparser} and {@code store_debug}, each its real main class in a JVM of its own, started
 * from its folder with its own {@code config.yaml} as a deployment starts it ({@code REDIS_DSN},
 * {@code HOST}, {@code PORT}), on one redis-server. Front's load, in front's wire format: a
 * request to {@code debug.data}, an enrich call (answered by uaparser) and a broadcast (stored by
 * store_debug, which logs each event's id) at {@code replicas.rate} per second each. Every request
 * and enrich call must be answered exactly once, every event stored exactly once across the
 * replicas: with two replicas of each, through a rolling restart of all of them, and with three.
 * Calls a starved replica answered late with front's wait over ("shed") are answers, counted in
 * the figures and not asserted.
 *
 * <p>The suite runs 100/s; the figure is 1 000/s: {@code mvn -pl
 * band-examples/replicas-test test -Dreplicas.rate=1000} (after {@code mvn install -DskipTests}).
 */
@Tag("slow") // nine service JVMs started, stopped and started again under load
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ExampleReplicasTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final int RATE = Integer.getInteger("replicas.rate", 100);
    private static final Duration STEADY = Duration.ofSeconds(Integer.getInteger("replicas.seconds", 5));
    private static final Duration START = Duration.ofMinutes(2); // nine JVMs on a shared machine
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UA =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
    private static final Pattern STORED = Pattern.compile("Broadcast #\\d+: key=\\S+ .* id=(ev\\d+)");

    /** The three examples: their folder (beside this module) and main class. */
    enum Example {
        DEBUG("debug", DebugService.class),
        UAPARSER("uaparser", UaParserService.class),
        STORE("store_debug", StoreDebugService.class);

        final String folder;
        final Class<?> main;

        Example(String folder, Class<?> main) {
            this.folder = folder;
            this.main = main;
        }
    }

    private record Replica(Example example, JvmProcess process, int port) {}

    private final Map<Example, List<Replica>> running = new EnumMap<>(Example.class);
    /** Every replica ever started, stopped ones too: their logs hold events they stored. */
    private final List<Replica> everyReplica = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        // SIGTERM, as a deployment stops them: each announces it leaves, so the next test's
        // replicas on the same redis-server do not wait 3 s to miss a killed one's beats
        everyReplica.forEach(replica -> replica.process().terminate());
        for (Replica replica : everyReplica) {
            try {
                replica.process().awaitExit(Duration.ofSeconds(60));
            } finally {
                replica.process().close();
            }
            replica.process().output().stream()
                    .filter(line -> line.contains("WARN") || line.contains("ERROR") || line.contains("Replica "))
                    .limit(40)
                    .forEach(line -> System.out.println("  " + replica.example().folder + "> " + line));
        }
    }

    private Replica launch(Example example) {
        int port = FreePorts.next();
        Path folder = Path.of(System.getProperty("user.dir")).resolveSibling(example.folder);
        JvmProcess process = JvmProcess.launch(
                example.main,
                List.of(),
                folder,
                Map.of("REDIS_DSN", redis.dsn(), "HOST", "127.0.0.1", "PORT", Integer.toString(port)),
                // the container's flags, a smaller heap: nine of them share this machine
                "-XX:+UseSerialGC",
                "-Xss512k",
                "-Xmx160m");
        Replica replica = new Replica(example, process, port);
        everyReplica.add(replica);
        return replica;
    }

    /** Waits until the replica answers readiness: subscribed and joined to the others. */
    private void ready(Replica replica) {
        try (HttpProbe probe = HttpProbe.local(replica.port())) {
            until(START, replica.example().folder + " ready on " + replica.port(), () -> {
                if (replica.process().lines("Exception in thread") > 0) {
                    throw new IllegalStateException(
                            "it failed: " + replica.process().output());
                }
                try {
                    int status = probe.get("/__health/ready").status();
                    return status == 200 ? null : "status " + status;
                } catch (RuntimeException e) {
                    return e.toString();
                }
            });
        }
        running.computeIfAbsent(replica.example(), e -> new ArrayList<>()).add(replica);
    }

    /** Starts {@code count} replicas of each example, all at once, and waits until each is ready. */
    private void startEach(int count) {
        List<Replica> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            for (Example example : Example.values()) {
                started.add(launch(example));
            }
        }
        started.forEach(this::ready);
    }

    /**
     * One step of a rolling restart: SIGTERM (docker stop) one replica of each example, wait for
     * their drains to end, start a new one of each, wait until they are ready. The examples are
     * separate services, so each still loses one replica at a time; restarting theirs side by side
     * keeps the suite a third as long.
     */
    private void restartOneOfEach(int index) throws InterruptedException {
        List<Replica> stopping = new ArrayList<>();
        for (Example example : Example.values()) {
            stopping.add(running.get(example).get(index));
        }
        stopping.forEach(replica -> replica.process().terminate());
        List<Replica> started = new ArrayList<>();
        for (Replica replica : stopping) {
            assertThat(replica.process().awaitExit(Duration.ofSeconds(60)))
                    .as(replica.example().folder + " exit status after SIGTERM")
                    .isIn(0, 143);
            running.get(replica.example()).remove(replica);
            started.add(launch(replica.example()));
        }
        started.forEach(this::ready);
    }

    @Test
    void twoAndThreeReplicasOfEachExampleAndARollingRestartHandleEveryCallAndEventOnce() throws Exception {
        startEach(2);
        try (Front front = new Front("front")) {
            Outcome two = front.settle(front.during(STEADY, () -> {}));
            record("examples.two_replicas", two);
            assertExactlyOnce(two);

            Outcome rolling = front.settle(front.during(Duration.ZERO, () -> {
                // index 0 each time: a restarted replica goes to the end of its example's list
                restartOneOfEach(0);
                restartOneOfEach(0);
            }));
            record("examples.rolling_restart", rolling);
            assertExactlyOnce(rolling);
            assertThat(rolling.shuttingDown())
                    .as("answered 'shutting down': " + rolling)
                    .isZero();

            startEach(1);
            Outcome three = front.settle(front.during(STEADY, () -> {}));
            record("examples.three_replicas", three);
            assertExactlyOnce(three);
        }
    }

    @Test
    void throughputOfDebugWithOneReplicaAndWithTwo() throws Exception {
        Replica first = launch(Example.DEBUG);
        ready(first);
        try (Front caller = new Front("bench")) {
            double one = caller.closedLoop(20_000, 500);
            ready(launch(Example.DEBUG));
            double two = caller.closedLoop(20_000, 500);
            Figures.record("examples.debug_throughput_one_replica", Math.round(one), "requests/s");
            Figures.record("examples.debug_throughput_two_replicas", Math.round(two), "requests/s");
            Figures.record("examples.debug_throughput_ratio", two / one, "x");
            assertThat(caller.duplicates()).as("requests answered twice").isZero();
        }
    }

    private static void assertExactlyOnce(Outcome outcome) {
        assertThat(outcome.requestsTwice())
                .as("requests answered twice: " + outcome)
                .isZero();
        assertThat(outcome.requestsUnanswered())
                .as("requests unanswered: " + outcome)
                .isZero();
        assertThat(outcome.enrichTwice())
                .as("enrich calls answered twice: " + outcome)
                .isZero();
        assertThat(outcome.enrichUnanswered())
                .as("enrich calls unanswered: " + outcome)
                .isZero();
        assertThat(outcome.eventsTwice()).as("events stored twice: " + outcome).isZero();
        assertThat(outcome.eventsLost()).as("events not stored: " + outcome).isZero();
    }

    private static void record(String prefix, Outcome outcome) {
        Figures.record(prefix + ".rate", RATE, "requests/s + enrich calls/s + broadcasts/s");
        Figures.record(prefix + ".rate_sent", Math.round(outcome.sentPerSecond()), "of each per s");
        Figures.record(prefix + ".requests", outcome.sent(), "of each");
        Figures.record(prefix + ".requests_unanswered", outcome.requestsUnanswered(), "requests");
        Figures.record(prefix + ".requests_answered_twice", outcome.requestsTwice(), "requests");
        Figures.record(prefix + ".enrich_unanswered", outcome.enrichUnanswered(), "calls");
        Figures.record(prefix + ".enrich_answered_twice", outcome.enrichTwice(), "calls");
        Figures.record(prefix + ".answered_with_error", outcome.errors(), "calls (" + outcome.errorMessages() + ")");
        Figures.record(prefix + ".events_not_stored", outcome.eventsLost(), "events");
        Figures.record(prefix + ".events_stored_twice", outcome.eventsTwice(), "events");
    }

    /** Poll-with-deadline: {@code check} answers null when done, else why not yet. */
    private static void until(Duration within, String what, Supplier<String> check) {
        long deadline = System.nanoTime() + within.toNanos();
        String why = check.get();
        while (why != null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + within.toSeconds() + " s: " + why);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            why = check.get();
        }
    }

    /** How many times each event id was stored, over every store_debug replica's log. */
    private Map<String, Integer> stored() {
        Map<String, Integer> counts = new HashMap<>();
        for (Replica replica : everyReplica) {
            if (replica.example() == Example.STORE) {
                for (String line : replica.process().output()) {
                    Matcher m = STORED.matcher(line);
                    if (m.find()) {
                        counts.merge(m.group(1), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

    /** The indexes {@code [from, to)} of what one phase sent, and how fast. */
    private record Sent(int from, int to, double perSecond) {}

    record Outcome(
            double sentPerSecond,
            int sent,
            int requestsUnanswered,
            int requestsTwice,
            int enrichUnanswered,
            int enrichTwice,
            int errors,
            int shuttingDown,
            Map<String, Integer> errorMessages,
            int eventsLost,
            int eventsTwice) {}

    /**
     * Front's side: publishes requests, enrich calls and broadcasts as front does (one connection,
     * pipelined, no wait per message) and counts the answers on its channel by id and sender.
     */
    private final class Front implements AutoCloseable {
        private final String name;
        private final RedisClient client = RedisClient.create(redis.dsn());
        private final StatefulRedisConnection<String, String> out = client.connect();
        private final StatefulRedisPubSubConnection<String, String> in = client.connectPubSub();
        /** Answers by {@code <id> <from>}. */
        private final Map<String, Integer> answers = new ConcurrentHashMap<>();

        private final Map<String, String> errorsById = new ConcurrentHashMap<>();
        private final AtomicInteger answerCount = new AtomicInteger();
        private int next;

        Front(String name) {
            this.name = name;
            in.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String text) {
                    JsonNode json;
                    try {
                        json = JSON.readTree(text);
                    } catch (java.io.IOException e) {
                        return; // not an answer: nothing front would read either
                    }
                    String id = json.path("id").asText();
                    answers.merge(id + " " + json.path("from").asText(), 1, Integer::sum);
                    answerCount.incrementAndGet();
                    if (json.has("error")) {
                        errorsById.put(id, json.path("error").path("message").asText());
                    }
                }
            });
            in.sync().subscribe(name);
        }

        private void send(int i) {
            var async = out.async();
            async.publish("debug", message("r" + i, "debug", "data", "{\"n\":\"r" + i + "\"}"));
            async.publish("enrich", message("e" + i, "enrich", "enrich", "{\"ua\":\"" + UA + "\"}"));
            async.publish(
                    "broadcast",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"broadcast:broadcast:" + name
                            + "\",\"params\":{\"key\":\"in.gen.track\",\"service\":\"track\",\"name\":\"pageview\","
                            + "\"id\":\"ev" + i + "\"},\"to\":\"broadcast\",\"from\":\"" + name + "\"}");
        }

        private String message(String id, String to, String method, String params) {
            return "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"" + to + ":" + method + ":" + name
                    + "\",\"params\":" + params + ",\"to\":\"" + to + "\",\"from\":\"" + name + "\"}";
        }

        /** Sends at {@link #RATE} while {@code action} runs, and for at least {@code minimum}. */
        Sent during(Duration minimum, ThrowingRunnable action) throws Exception {
            AtomicBoolean done = new AtomicBoolean();
            int from = next;
            long start = System.nanoTime();
            Thread load = Thread.ofPlatform().name("front-load").start(() -> {
                for (long i = 0; ; i++) {
                    long now = System.nanoTime();
                    if (done.get() && now - start >= minimum.toNanos()) {
                        return;
                    }
                    long wait = start + i * 1_000_000_000L / RATE - now;
                    if (wait > 0) {
                        LockSupport.parkNanos(wait); // pacing the load, not waiting for a result
                    }
                    send(next++);
                }
            });
            try {
                action.run();
            } finally {
                done.set(true);
                load.join();
            }
            return new Sent(from, next, (next - from) / ((System.nanoTime() - start) / 1e9));
        }

        /** Waits until everything of {@code sent} was answered and stored (30 s at most), then counts. */
        Outcome settle(Sent sent) {
            try {
                until(Duration.ofSeconds(30), "every call answered and every event stored", () -> {
                    Outcome now = outcome(sent);
                    return now.requestsUnanswered() + now.enrichUnanswered() + now.eventsLost() == 0
                            ? null
                            : now.toString();
                });
            } catch (AssertionError e) {
                // the outcome below says what is missing; the assertions report it
            }
            return outcome(sent);
        }

        private Outcome outcome(Sent sent) {
            Map<String, Integer> events = stored();
            int requestsMissing = 0;
            int requestsTwice = 0;
            int enrichMissing = 0;
            int enrichTwice = 0;
            int eventsLost = 0;
            int eventsTwice = 0;
            int errors = 0;
            int shuttingDown = 0;
            Map<String, Integer> messages = new HashMap<>();
            for (int i = sent.from(); i < sent.to(); i++) {
                int r = answers.getOrDefault("r" + i + " debug", 0);
                int e = answers.getOrDefault("e" + i + " uaparser", 0);
                int ev = events.getOrDefault("ev" + i, 0);
                requestsMissing += r == 0 ? 1 : 0;
                requestsTwice += r > 1 ? 1 : 0;
                enrichMissing += e == 0 ? 1 : 0;
                enrichTwice += e > 1 ? 1 : 0;
                eventsLost += ev == 0 ? 1 : 0;
                eventsTwice += ev > 1 ? 1 : 0;
                for (String id : List.of("r" + i, "e" + i)) {
                    String error = errorsById.get(id);
                    if (error != null) {
                        errors++;
                        shuttingDown += error.contains("shutting down") ? 1 : 0;
                        messages.merge(error.replaceAll("\\d+", "N"), 1, Integer::sum);
                    }
                }
            }
            return new Outcome(
                    sent.perSecond(),
                    sent.to() - sent.from(),
                    requestsMissing,
                    requestsTwice,
                    enrichMissing,
                    enrichTwice,
                    errors,
                    shuttingDown,
                    messages,
                    eventsLost,
                    eventsTwice);
        }

        /** {@code total} requests to debug, {@code window} always outstanding; answers per second. */
        double closedLoop(int total, int window) {
            int from = next;
            int before = answerCount.get();
            long start = System.nanoTime();
            int sent = 0;
            while (sent < total) {
                if (sent - (answerCount.get() - before) < window) {
                    int i = next++;
                    out.async().publish("debug", message("r" + i, "debug", "data", "{\"n\":\"r" + i + "\"}"));
                    sent++;
                } else {
                    LockSupport.parkNanos(50_000); // the window is full: let the services run
                }
            }
            until(Duration.ofSeconds(60), "every request answered", () -> {
                int answered = answerCount.get() - before;
                return answered >= total ? null : answered + " of " + total + " answered";
            });
            double perSecond = total / ((System.nanoTime() - start) / 1e9);
            for (int i = from; i < next; i++) {
                assertThat(answers.get("r" + i + " debug"))
                        .as("answers to r" + i)
                        .isEqualTo(1);
            }
            return perSecond;
        }

        int duplicates() {
            return (int) answers.values().stream().filter(n -> n > 1).count();
        }

        @Override
        public void close() {
            in.close();
            out.close();
            client.shutdown();
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
