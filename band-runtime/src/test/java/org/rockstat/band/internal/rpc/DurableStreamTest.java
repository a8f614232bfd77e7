package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.internal.durable.DurableStream;

/**
 * Durable listeners against a real redis-server: each event appended once and acknowledged after
 * the listener returned, the same event id appended twice run once, a listener that always throws
 * run {@code durable.max_deliveries} times and then dead-lettered with its reason, an entry a dead
 * consumer left pending claimed and run, the stream bounded, and without a durable listener no
 * stream command at all.
 */
class DurableStreamTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> redisCommands;
    private ServiceFixture service;

    @BeforeEach
    void connect() {
        client = RedisClient.create(redis.dsn());
        connection = client.connect();
        redisCommands = connection.sync();
        redisCommands.flushall();
        redisCommands.configResetstat();
    }

    @AfterEach
    void close() {
        if (service != null) {
            service.close();
        }
        connection.close();
        client.shutdown();
    }

    private DurableService start(String name, int maxLen) {
        DurableService listener = new DurableService(0, null);
        service = new ServiceFixture(
                name,
                listener,
                redis.dsn(),
                Map.of(),
                Map.of("durable", Map.of("claim_idle_ms", 300, "max_deliveries", 3, "max_len", maxLen)),
                true);
        return listener;
    }

    private void broadcast(String key, String id) {
        redisCommands.publish(
                "broadcast",
                "{\"jsonrpc\":\"2.0\",\"method\":\"broadcast:broadcast:front\",\"params\":{\"key\":\"" + key
                        + "\",\"name\":\"track\",\"id\":\"" + id + "\"},\"to\":\"broadcast\",\"from\":\"front\"}");
    }

    private long pending(String name) {
        return redisCommands
                .xpending(DurableStream.streamKey(name), DurableStream.GROUP)
                .getCount();
    }

    @Test
    void eachEventIsAppendedOnceAndAcknowledgedAfterTheListenerReturned() {
        DurableService listener = start("dur1", 100_000);
        for (int i = 0; i < 200; i++) {
            broadcast("in.gen.track", "e" + i);
        }
        broadcast("in.gen.track", "e7"); // the same event id again: not a second entry
        ReplicasTest.until(
                Duration.ofSeconds(60),
                "every event run",
                () -> listener.runs.size() == 200 && pending("dur1") == 0
                        ? null
                        : listener.runs.size() + " run, " + pending("dur1") + " pending");
        assertThat(listener.runs.values()).as("runs per event").containsOnly(1);
        assertThat(redisCommands.xlen(DurableStream.streamKey("dur1"))).isEqualTo(200);
        ReplicasTest.until(
                Duration.ofSeconds(30),
                "the plain listener",
                () -> listener.plain.get() == 201 ? null : listener.plain.get() + " plain runs");
        assertThat(redisCommands.exists(DurableStream.deadKey("dur1"))).isZero();
    }

    @Test
    void aListenerThatAlwaysThrowsRunsMaxDeliveriesTimesThenItsEventIsDeadLettered() {
        DurableService listener = start("dur2", 100_000);
        broadcast("poison.track", "bad1");
        broadcast("in.gen.track", "good1");
        ReplicasTest.until(
                Duration.ofSeconds(60),
                "the dead letter",
                () -> redisCommands.xlen(DurableStream.deadKey("dur2")) == 1 && pending("dur2") == 0
                        ? null
                        : redisCommands.xlen(DurableStream.deadKey("dur2")) + " dead, " + pending("dur2") + " pending");
        assertThat(listener.runs).containsEntry("bad1", 3).containsEntry("good1", 1);
        List<StreamMessage<String, String>> dead =
                redisCommands.xrange(DurableStream.deadKey("dur2"), io.lettuce.core.Range.create("-", "+"));
        assertThat(dead.getFirst().getBody())
                .containsEntry("id", "bad1")
                .containsEntry("deliveries", "3")
                .hasEntrySatisfying("reason", reason -> assertThat(reason).contains("poisoned event bad1"))
                .hasEntrySatisfying("event", event -> assertThat(event).contains("\"poison.track\""));
    }

    @Test
    @SuppressWarnings("unchecked")
    void anEntryADeadConsumerLeftPendingIsClaimedAndRun() {
        String stream = DurableStream.streamKey("dur3");
        redisCommands.xgroupCreate(
                XReadArgs.StreamOffset.from(stream, "0"),
                DurableStream.GROUP,
                io.lettuce.core.XGroupCreateArgs.Builder.mkstream());
        redisCommands.xadd(
                stream,
                Map.of("id", "orphan", "from", "front", "event", "{\"key\":\"in.gen.track\",\"id\":\"orphan\"}"));
        // a replica read it and died before acknowledging it
        List<StreamMessage<String, String>> taken = redisCommands.xreadgroup(
                Consumer.from(DurableStream.GROUP, "dead-replica"), XReadArgs.StreamOffset.lastConsumed(stream));
        assertThat(taken).hasSize(1);
        DurableService listener = start("dur3", 100_000);
        ReplicasTest.until(
                Duration.ofSeconds(60),
                "the orphan claimed",
                () -> listener.runs.containsKey("orphan") && pending("dur3") == 0
                        ? null
                        : listener.runs + ", " + pending("dur3") + " pending");
        assertThat(listener.runs).containsEntry("orphan", 1);
    }

    @Test
    void theStreamStaysWithinItsBound() {
        DurableService listener = start("dur4", 100);
        for (int batch = 0; batch < 20; batch++) {
            for (int i = 0; i < 50; i++) {
                broadcast("in.gen.track", "b" + (batch * 50 + i));
            }
            int expected = (batch + 1) * 50;
            // paced as a listener that keeps up: the bound must not trim what no replica read yet
            ReplicasTest.until(
                    Duration.ofSeconds(60),
                    "every event run",
                    () -> listener.runs.size() == expected && pending("dur4") == 0
                            ? null
                            : listener.runs.size() + " run, " + pending("dur4") + " pending");
        }
        assertThat(listener.runs).hasSize(1_000);
        assertThat(listener.runs.values()).containsOnly(1);
        // MAXLEN ~ trims whole nodes: at most one node (stream-node-max-entries, 100) over the bound
        assertThat(redisCommands.xlen(DurableStream.streamKey("dur4"))).isBetween(100L, 200L);
    }

    @Test
    void entriesTrimmedBeforeAnyReplicaReadThemAreReported() {
        DurableService listener = new DurableService(0, null);
        listener.gate = new java.util.concurrent.CountDownLatch(1);
        service = new ServiceFixture(
                "dur5",
                listener,
                redis.dsn(),
                Map.of(),
                Map.of("durable", Map.of("claim_idle_ms", 60_000, "max_len", 100)),
                true);
        // the replica holds 64 entries in its stuck listener and reads no more: the rest waits in the stream
        for (int i = 0; i < 600; i++) {
            broadcast("in.gen.track", "t" + i);
        }
        ReplicasTest.until(
                Duration.ofSeconds(60),
                "the trim reported",
                () -> service.assembly.durable().stats().lostToTrim() > 0
                        ? null
                        : "not yet: " + listener.runs.size() + " running");
        assertThat(listener.runs.size()).isLessThanOrEqualTo(64);
        // 600 appended, 64 read, about 100 kept: about 436 lost, reported as such
        assertThat(service.assembly.durable().stats().lostToTrim()).isBetween(300L, 536L);
        listener.gate.countDown();
    }

    @Test
    void withoutADurableListenerNoStreamCommandIsSent() {
        ReplicaService plain = new ReplicaService(false);
        service = new ServiceFixture("plain", plain, redis.dsn(), Map.of(), true);
        for (int i = 0; i < 50; i++) {
            broadcast("in.gen.track", "p" + i);
        }
        ReplicasTest.until(
                Duration.ofSeconds(30),
                "every event stored",
                () -> plain.stored.size() == 50 ? null : plain.stored.size() + " stored");
        String stats = redisCommands.info("commandstats");
        assertThat(stats)
                .doesNotContain("cmdstat_xadd")
                .doesNotContain("cmdstat_xreadgroup")
                .doesNotContain("cmdstat_set:");
        assertThat(redisCommands.keys("band:plain:events*")).isEmpty();
    }
}
