package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.fixtures.Figures;
import org.rockstat.band.fixtures.JvmProcess;
import org.rockstat.band.fixtures.RedisServerExtension;

/**
 * Issue 12, part 1, with real replicas: each a JVM of its own ({@link ReplicaMain}) on one
 * redis-server, under steady load (1 000 requests/s and 1 000 broadcasts/s, as front sends them):
 * every request answered exactly once and every broadcast stored once across replicas, with 2 and
 * 3 replicas, through a rolling restart (SIGTERM one, start it again, for each), and after a
 * SIGKILL (its share is lost until the others time it out: that gap is measured). Throughput of
 * 2 replicas against 1.
 *
 * <p>{@code /work/mvn-... test -pl band-runtime -Dtest=ReplicaProcessTest -Dband.skipChecks=true}
 */
@Tag("slow") // JVMs started and stopped, seconds of load
@org.junit.jupiter.api.Timeout(value = 6, unit = TimeUnit.MINUTES)
class ReplicaProcessTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final String NAME = "rep";
    /**
     * Requests and broadcasts per second, each. The suite runs at 100/s, what two shared cores
     * sustain with three service JVMs and the load generator; the figure is 1 000/s:
     * {@code mvn -pl band-runtime test -Dtest=ReplicaProcessTest -Dreplicas.rate=1000}.
     */
    private static final int RATE = Integer.getInteger("replicas.rate", 100);

    private final List<JvmProcess> replicas = new ArrayList<>();
    /** Replicas stopped during a test: their logs are evidence too. */
    private final List<JvmProcess> stopped = new ArrayList<>();

    @AfterEach
    void stopAll() {
        replicas.addAll(0, stopped);
        for (JvmProcess replica : replicas) {
            replica.close();
            // what each replica said about its membership and its drops: the evidence beside the figures
            replica.output().stream()
                    .filter(line -> line.contains("Replica") || line.contains("WARN"))
                    .forEach(line -> System.out.println("  replica> " + line));
        }
    }

    private JvmProcess startReplica() {
        JvmProcess replica =
                JvmProcess.launch(ReplicaMain.class, List.of(redis.dsn(), NAME), null, Map.of(), "-Xmx256m");
        try {
            replica.awaitLine("READY ", Duration.ofSeconds(90)); // the machine is shared: JVMs start slowly
        } catch (RuntimeException e) {
            throw new AssertionError("Replica did not start: " + String.join("\n", replica.output()), e);
        }
        replicas.add(replica);
        return replica;
    }

    /** Front's part: requests and broadcasts at {@link #RATE} each per second, and what came back. */
    private static final class Load implements AutoCloseable {
        final Answers front = new Answers("front");
        final Publisher out = new Publisher("front");
        final Answers seen = new Answers("seen");
        final Map<String, Long> sentAt = new ConcurrentHashMap<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final long start = System.nanoTime();
        volatile int events;
        volatile long stoppedNanos;
        private final Thread thread = Thread.ofPlatform().name("load").start(this::run);

        private void run() {
            for (long i = 0; running.get(); i++) {
                long due = start + i * 1_000_000_000L / RATE;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // pacing the load, not waiting for a result
                }
                String id = "r" + i;
                sentAt.put(id, System.nanoTime());
                out.request(id);
                out.broadcast("ev" + i);
                events = (int) i + 1;
            }
        }

        /** Stops sending and waits until what was sent had its time to be answered. */
        Outcome finish() throws InterruptedException {
            running.set(false);
            thread.join();
            stoppedNanos = System.nanoTime();
            int sent = sentAt.size();
            ReplicasTest.until(Duration.ofSeconds(30), "answers to settle", () -> {
                Outcome now = outcome();
                return now.answered() == sent && now.storedEvents() == events ? null : now.toString();
            });
            return outcome();
        }

        /** Like {@link #finish()} when some are expected never to be answered: waits 5 s for stragglers. */
        Outcome finishExpectingLoss() throws InterruptedException {
            running.set(false);
            thread.join();
            stoppedNanos = System.nanoTime();
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            ReplicasTest.until(
                    Duration.ofSeconds(10),
                    "five seconds for stragglers",
                    () -> System.nanoTime() > settle ? null : "waiting");
            return outcome();
        }

        Outcome outcome() {
            Map<String, Integer> answers = Map.copyOf(front.byId);
            Map<String, Integer> stored = Map.copyOf(seen.byId);
            List<Long> unanswered = sentAt.entrySet().stream()
                    .filter(e -> !answers.containsKey(e.getKey()))
                    .map(Map.Entry::getValue)
                    .sorted()
                    .toList();
            return new Outcome(
                    sentAt.size() / ((stoppedNanos - start) / 1e9),
                    sentAt.size(),
                    answers.size(),
                    (int) answers.values().stream().filter(n -> n > 1).count(),
                    front.errors.get(),
                    front.errorMessages.getOrDefault("shutting down", 0),
                    Map.copyOf(front.errorMessages),
                    events,
                    stored.size(),
                    (int) stored.values().stream().filter(n -> n > 1).count(),
                    unanswered);
        }

        @Override
        public void close() {
            running.set(false);
            front.close();
            seen.close();
            out.close();
        }
    }

    /** Front's channel: answers counted by id as they arrive, results and errors apart. */
    private static final class Answers implements AutoCloseable {
        private final RedisClient client = RedisClient.create(redis.dsn());
        private final io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
        final Map<String, Integer> byId = new ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicInteger results = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger errors = new java.util.concurrent.atomic.AtomicInteger();
        /** Error answers by message: "shutting down" is a handover failure, a shed call a starved replica. */
        final Map<String, Integer> errorMessages = new ConcurrentHashMap<>();

        Answers(String channel) {
            sub.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
                @Override
                public void message(String from, String text) {
                    com.fasterxml.jackson.databind.JsonNode json;
                    try {
                        json = org.rockstat.band.internal.json.Json.mapper().readTree(text);
                    } catch (Exception e) {
                        return;
                    }
                    if (json.has("method")) {
                        byId.merge(json.path("params").path("event").asText(), 1, Integer::sum);
                        results.incrementAndGet();
                        return;
                    }
                    byId.merge(json.path("id").asText(), 1, Integer::sum);
                    (json.has("error") ? errors : results).incrementAndGet();
                    if (json.has("error")) {
                        String message = json.path("error").path("message").asText();
                        errorMessages.merge(
                                message.contains("shutting down") ? "shutting down" : message.replaceAll("\\d+", "N"),
                                1,
                                Integer::sum);
                    }
                }
            });
            sub.sync().subscribe(channel);
        }

        @Override
        public void close() {
            sub.close();
            client.shutdown();
        }
    }

    /** Front's publishes without waiting for each reply (as front's own client pipelines them). */
    private static final class Publisher implements AutoCloseable {
        private final RedisClient client = RedisClient.create(redis.dsn());
        private final StatefulRedisConnection<String, String> connection = client.connect();
        private final String from;

        /** Requests from {@code from}: front's are shed once its 200 ms wait is over, anyone else's are not. */
        Publisher(String from) {
            this.from = from;
        }

        void request(String id) {
            connection
                    .async()
                    .publish(
                            NAME,
                            "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"" + NAME
                                    + ":work:" + from + "\",\"params\":{\"n\":\"" + id + "\"},\"to\":\"" + NAME
                                    + "\",\"from\":\""
                                    + from + "\"}");
        }

        void broadcast(String event) {
            connection
                    .async()
                    .publish(
                            "broadcast",
                            "{\"jsonrpc\":\"2.0\",\"method\":\"broadcast:broadcast:front\","
                                    + "\"params\":{\"key\":\"in.gen.track\",\"name\":\"track\",\"id\":\"" + event
                                    + "\"},\"to\":\"broadcast\",\"from\":\"front\"}");
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }

    record Outcome(
            double sentPerSecond,
            int sent,
            int answered,
            int duplicated,
            int errors,
            int shuttingDown,
            Map<String, Integer> errorMessages,
            int events,
            int storedEvents,
            int storedTwice,
            List<Long> unansweredSentAt) {
        int lost() {
            return sent - answered;
        }

        int eventsLost() {
            return events - storedEvents;
        }

        @Override
        public String toString() {
            return sent + " sent, " + answered + " answered (" + errors + " with an error: " + errorMessages + "), "
                    + duplicated
                    + " answered twice; " + events
                    + " events, " + storedEvents + " stored, " + storedTwice + " stored twice";
        }
    }

    private static void assertExactlyOnce(Outcome outcome) {
        assertThat(outcome.duplicated())
                .as("requests answered twice: " + outcome)
                .isZero();
        assertThat(outcome.lost()).as("requests unanswered: " + outcome).isZero();
        // "shutting down" from a leaving replica is a handover failure; a call shed because it waited past
        // front's 200 ms in a starved replica's queue is the machine's capacity, counted in the figures
        assertThat(outcome.shuttingDown())
                .as("requests answered 'shutting down': " + outcome)
                .isZero();
        assertThat(outcome.storedTwice()).as("events stored twice: " + outcome).isZero();
        assertThat(outcome.eventsLost()).as("events not stored: " + outcome).isZero();
    }

    private static void record(String prefix, Outcome outcome) {
        Figures.record(prefix + ".rate", RATE, "requests/s + broadcasts/s");
        // the generator catches up when it falls behind: what it really sent, each
        Figures.record(prefix + ".rate_sent", Math.round(outcome.sentPerSecond()), "requests/s + broadcasts/s");
        Figures.record(prefix + ".requests", outcome.sent(), "requests");
        Figures.record(prefix + ".unanswered", outcome.lost(), "requests");
        Figures.record(prefix + ".answered_twice", outcome.duplicated(), "requests");
        Figures.record(prefix + ".answered_with_error", outcome.errors(), "requests");
        Figures.record(prefix + ".answered_shutting_down", outcome.shuttingDown(), "requests");
        Figures.record(prefix + ".events", outcome.events(), "events");
        Figures.record(prefix + ".events_not_stored", outcome.eventsLost(), "events");
        Figures.record(prefix + ".events_stored_twice", outcome.storedTwice(), "events");
    }

    @Test
    void twoAndThreeReplicasUnderSteadyLoadHandleEachItemOnce() throws Exception {
        for (int count = 2; count <= 3; count++) {
            while (replicas.size() < count) {
                startReplica();
            }
            Outcome outcome;
            try (Load load = new Load()) {
                ReplicasTest.until(
                        Duration.ofSeconds(60),
                        "5 s of load",
                        () -> load.sentAt.size() >= 5 * RATE ? null : load.sentAt.size() + " sent");
                outcome = load.finish();
            }
            record("replicas." + count + ".steady", outcome);
            assertExactlyOnce(outcome);
        }
    }

    // It once lost one event of 1 571: the leaving replica stored it, and its "seen" notification was
    // still queued when the stop closed the transport (StopDeliversPublishesTest; docs/replicas.md)
    @Test
    void aRollingRestartUnderLoadLosesAndDuplicatesNothing() throws Exception {
        startReplica();
        startReplica();
        Outcome outcome;
        try (Load load = new Load()) {
            for (int round = 0; round < 2; round++) {
                JvmProcess old = replicas.removeFirst();
                stopped.add(old);
                old.terminate();
                assertThat(old.awaitExit(Duration.ofSeconds(30))).isIn(0, 143);
                startReplica();
                int now = load.sentAt.size();
                ReplicasTest.until(
                        Duration.ofSeconds(10),
                        "a second of load after the restart",
                        () -> load.sentAt.size() >= now + RATE ? null : "sent " + load.sentAt.size());
            }
            outcome = load.finish();
        }
        record("replicas.rolling_restart", outcome);
        assertExactlyOnce(outcome);
    }

    @Test
    void aKilledReplicasShareIsTakenOverAfterTheMembershipTimeout() throws Exception {
        startReplica();
        JvmProcess victim = startReplica();
        Outcome outcome;
        long killed;
        try (Load load = new Load()) {
            ReplicasTest.until(
                    Duration.ofSeconds(10),
                    "a second of load",
                    () -> load.sentAt.size() >= RATE ? null : "sent " + load.sentAt.size());
            killed = System.nanoTime();
            victim.kill();
            int now = load.sentAt.size();
            ReplicasTest.until(
                    Duration.ofSeconds(20),
                    "8 s of load after the kill",
                    () -> load.sentAt.size() >= now + 8 * RATE ? null : "sent " + load.sentAt.size());
            outcome = load.finishExpectingLoss();
        }
        long lastUnanswered = outcome.unansweredSentAt().isEmpty()
                ? killed
                : outcome.unansweredSentAt().getLast();
        double gap = (lastUnanswered - killed) / 1e9;
        Figures.record("replicas.sigkill.rate", RATE, "requests/s + broadcasts/s");
        Figures.record("replicas.sigkill.unanswered", outcome.lost(), "requests");
        Figures.record("replicas.sigkill.answered_twice", outcome.duplicated(), "requests");
        Figures.record("replicas.sigkill.events_not_stored", outcome.eventsLost(), "events");
        Figures.record("replicas.sigkill.takeover", gap, "s");
        assertThat(outcome.duplicated()).as("answered twice: " + outcome).isZero();
        assertThat(outcome.storedTwice()).as("stored twice: " + outcome).isZero();
        // the dead one's share (about half) is lost until the survivor announces it gone: 3 s + a beat
        assertThat(outcome.lost()).as("unanswered: " + outcome).isPositive();
        assertThat(gap)
                .as("seconds from the kill to the last unanswered request")
                .isBetween(2.0, 8.0);
    }

    @Test
    void throughputOfTwoReplicasAgainstOne() throws Exception {
        startReplica();
        double one = blast(20_000);
        startReplica();
        double two = blast(20_000);
        Figures.record("replicas.throughput.1", one, "requests/s");
        Figures.record("replicas.throughput.2", two, "requests/s");
        Figures.record("replicas.throughput.ratio_2_to_1", two / one, "x");
        assertThat(two).isPositive();
    }

    /**
     * Sends {@code n} requests with at most {@code WINDOW} unanswered (front's own concurrency),
     * and returns results per second.
     */
    private static double blast(int n) throws Exception {
        int window = 500;
        try (Answers front = new Answers("bench");
                Publisher out = new Publisher("bench")) {
            long begin = System.nanoTime();
            long deadline = begin + TimeUnit.SECONDS.toNanos(120);
            int sent = 0;
            while (front.results.get() + front.errors.get() < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Only " + front.results.get() + " results and " + front.errors.get()
                            + " errors of " + n + " in 120 s");
                }
                if (sent < n && sent - front.results.get() - front.errors.get() < window) {
                    out.request("b" + begin + "-" + sent++);
                } else {
                    Thread.onSpinWait(); // waiting for answers to open the window
                }
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            assertThat(front.errors.get()).as("errors").isZero();
            return front.results.get() / seconds;
        }
    }
}
