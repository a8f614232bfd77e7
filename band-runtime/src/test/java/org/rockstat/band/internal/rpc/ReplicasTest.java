package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.fixtures.WirePeer;
import org.rockstat.band.fixtures.WirePeer.Dialect;
import org.rockstat.band.internal.health.Health;
import org.rockstat.band.internal.replica.ReplicaSet;
import org.rockstat.band.internal.replica.View;

/**
 * Issue 12, part 1: replicas of one service in one JVM, on a real redis-server and on the
 * in-process bus; every request, enrich call and broadcast is handled by exactly one of them,
 * {@code __status} answered once, every-replica listeners run on each; a replica leaving and one
 * joining under load lose and duplicate nothing. Separate processes: {@link ReplicaProcessTest}.
 */
class ReplicasTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final String NAME = "rep";
    private final List<ServiceFixture> replicas = new ArrayList<>();

    @AfterEach
    void stopAll() {
        replicas.forEach(ServiceFixture::close);
    }

    /** Polls {@code check} until it answers null, or fails with its last answer (why it is not done). */
    static void until(Duration within, String what, java.util.function.Supplier<String> check) {
        long deadline = System.nanoTime() + within.toNanos();
        String reason;
        while ((reason = check.get()) != null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("No " + what + " within " + within.toMillis() + " ms: " + reason);
            }
            try {
                Thread.sleep(10); // polling a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for " + what, e);
            }
        }
    }

    private ServiceFixture replica(String dsn) {
        ServiceFixture fixture = new ServiceFixture(NAME, new ReplicaService(false), dsn, Map.of(), true);
        replicas.add(fixture);
        return fixture;
    }

    private static ReplicaService service(ServiceFixture fixture) {
        return (ReplicaService) fixture.service;
    }

    /** Waits until every running replica sees {@code count} members, itself included. */
    private void awaitMembers(int count) {
        until(Duration.ofSeconds(10), "every replica seeing " + count + " members", () -> {
            for (ServiceFixture r : replicas) {
                ReplicaSet set = r.assembly.replicas();
                View view = set.current().getNow(View.OUTSIDE);
                if (r.isConnected() && (view.size() != count || !view.contains(set.id()))) {
                    return set.id() + " sees " + view;
                }
            }
            return null;
        });
    }

    @Test
    void threeReplicasOnRedisHandleEachRequestEnrichAndBroadcastOnce() {
        for (int i = 0; i < 3; i++) {
            replica(redis.dsn());
        }
        awaitMembers(3);
        int n = 300;
        try (WirePeer front = WirePeer.front(redis.dsn())) {
            List<String> ids = new ArrayList<>();
            List<String> enrichIds = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add(front.request(NAME, "work", Map.of("n", Integer.toString(i)), Dialect.NODE));
                enrichIds.add(front.request("enrich", "enrich", Map.of("ua", "x"), Dialect.NODE));
                front.broadcast(Map.of("key", "in.gen.track", "id", "ev" + i, "name", "track"));
            }
            String status = front.request(NAME, "__status", Map.of(), Dialect.PYTHON);
            until(Duration.ofSeconds(10), "answers and stored events", () -> {
                int stored = replicas.stream()
                        .mapToInt(r -> service(r).stored.size())
                        .sum();
                int answers = countAnswers(front).size();
                return stored == n && answers == 2 * n + 1 ? null : stored + " stored, " + answers + " answers";
            });
            // whatever is still on its way would show here as a duplicate
            until(
                    Duration.ofSeconds(10),
                    "every-replica listeners",
                    () -> replicas.stream()
                                    .allMatch(r -> service(r).everyReplica.get() == n)
                            ? null
                            : "not yet");
            Map<String, Integer> answers = countAnswers(front);
            for (String id : ids) {
                assertThat(answers.get(id)).as("answers to request " + id).isEqualTo(1);
            }
            for (String id : enrichIds) {
                assertThat(answers.get(id)).as("answers to enrich " + id).isEqualTo(1);
            }
            assertThat(answers.get(status)).as("answers to __status").isEqualTo(1);
            assertThat(replicas.stream().mapToInt(r -> service(r).handled.get()).sum())
                    .isEqualTo(n);
            assertThat(replicas.stream()
                            .mapToInt(r -> service(r).enriched.get())
                            .sum())
                    .isEqualTo(n);
            Map<String, Integer> storedBy = new HashMap<>();
            replicas.forEach(r -> service(r).stored.forEach((id, times) -> storedBy.merge(id, times, Integer::sum)));
            assertThat(storedBy)
                    .hasSize(n)
                    .allSatisfy((id, times) -> assertThat(times).isEqualTo(1));
            // each takes a share
            assertThat(replicas)
                    .allSatisfy(r -> assertThat(service(r).handled.get()).isBetween(n / 6, n / 2));
            ObjectNode statusAnswer = front.responses(status).getFirst();
            assertThat(statusAnswer.path("result").path("data").path("register").toString())
                    .isEqualTo(registerOfOne());
        }
    }

    /** The register a lone replica reports: the replica count does not change it. */
    private static String registerOfOne() {
        ServiceFixture lone = new ServiceFixture("rep-lone", new ReplicaService(false), redis.dsn(), Map.of(), true);
        try (WirePeer director = new WirePeer(redis.dsn(), "director", "director")) {
            return director.status("rep-lone", Duration.ofSeconds(5))
                    .path("result")
                    .path("data")
                    .path("register")
                    .toString();
        } finally {
            lone.close();
        }
    }

    private static Map<String, Integer> countAnswers(WirePeer peer) {
        Map<String, Integer> answers = new LinkedHashMap<>();
        for (WirePeer.Received r : peer.received()) {
            if (r.json() != null && r.json().has("id") && !r.json().has("method")) {
                answers.merge(r.json().get("id").asText(), 1, Integer::sum);
            }
        }
        return answers;
    }

    /**
     * Readiness follows the membership: a replica announced gone owns nothing until its new hello
     * is back, and is not ready meanwhile, while its transport is up. Redis holds the rejoin: the
     * test's {@code gone} and a {@code CLIENT PAUSE 1500 WRITE} go in one write, so the replica's
     * join script waits for the pause (shorter than the watchdog's 3 s: the connection stays up).
     */
    @Test
    void aReplicaIsNotReadyUntilItHasJoined() {
        ServiceFixture fixture = replica(redis.dsn());
        awaitMembers(1);
        Health health = fixture.assembly.health();
        assertThat(health.ready().ready()).isTrue();
        assertThat(health.ready().replicas()).isEqualTo("up");
        ReplicaSet set = fixture.assembly.replicas();
        RedisClient client = RedisClient.create(redis.dsn());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.setAutoFlushCommands(false);
            connection.async().publish(set.channel(), "{\"op\":\"gone\",\"id\":\"" + set.id() + "\",\"by\":\"test\"}");
            connection
                    .async()
                    .dispatch(
                            CommandType.CLIENT,
                            new StatusOutput<>(StringCodec.UTF8),
                            new CommandArgs<>(StringCodec.UTF8)
                                    .add("PAUSE")
                                    .add(1500)
                                    .add("WRITE"));
            connection.flushCommands();
            java.util.concurrent.atomic.AtomicReference<Health.Report> seen =
                    new java.util.concurrent.atomic.AtomicReference<>();
            until(Duration.ofSeconds(5), "readiness down while rejoining", () -> {
                Health.Report report = health.ready();
                seen.set(report);
                return report.replicas().equals("down: joining") ? null : report.toString();
            });
            assertThat(seen.get().ready()).as(seen.get().toString()).isFalse();
            assertThat(seen.get().transport()).isEqualTo("up");
            assertThat(seen.get().body().toString())
                    .isEqualTo("{status=not ready, checks={http=up, transport=up,"
                            + " replicas=down: joining, draining=false}}");
            until(
                    Duration.ofSeconds(10),
                    "readiness back after the rejoin",
                    () -> health.ready().ready() ? null : health.ready().toString());
            assertThat(set.isMember()).isTrue();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aReplicaLeavingAndOneJoiningUnderLoadOnTheBusLoseAndDuplicateNothing() throws Exception {
        churnUnderLoad("memory://replicas-churn");
    }

    @Test
    void aReplicaLeavingAndOneJoiningUnderLoadOnRedisLoseAndDuplicateNothing() throws Exception {
        churnUnderLoad(redis.dsn());
    }

    private void churnUnderLoad(String dsn) throws Exception {
        replica(dsn);
        replica(dsn);
        awaitMembers(2);
        ServiceFixture caller = new ServiceFixture("caller", new TestService("caller"), dsn, Map.of(), true);
        try {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                while (running.get()) {
                    List<CompletableFuture<Object>> wave = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        int k = sent.incrementAndGet();
                        wave.add(caller.client()
                                .request(NAME, "work", Map.of("n", Integer.toString(k)), Duration.ofSeconds(5))
                                .exceptionally(e -> {
                                    failures.add(k + ": " + e.getMessage());
                                    return null;
                                }));
                    }
                    CompletableFuture.allOf(wave.toArray(CompletableFuture[]::new))
                            .join();
                }
            });
            until(Duration.ofSeconds(10), "some load", () -> sent.get() > 500 ? null : "sent " + sent.get());
            ServiceFixture first = replicas.removeFirst();
            first.close(); // the drain SIGTERM runs
            int handledByFirst = service(first).handled.get();
            int before = sent.get();
            until(Duration.ofSeconds(10), "load after the leave", () -> sent.get() > before + 500 ? null : "sent");
            replica(dsn);
            awaitMembers(2);
            int joined = sent.get();
            until(Duration.ofSeconds(10), "load after the join", () -> sent.get() > joined + 500 ? null : "sent");
            running.set(false);
            load.get();
            int total = sent.get();
            int handled = handledByFirst
                    + replicas.stream().mapToInt(r -> service(r).handled.get()).sum();
            assertThat(failures).as("calls lost").isEmpty();
            assertThat(handled).as("calls handled across replicas").isEqualTo(total);
            assertThat(service(replicas.getLast()).handled.get())
                    .as("the new replica's share")
                    .isPositive();
        } finally {
            caller.close();
        }
    }
}
