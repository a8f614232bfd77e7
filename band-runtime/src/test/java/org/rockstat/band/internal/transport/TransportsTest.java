package org.rockstat.band.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.rockstat.band.internal.config.SecretMasker;

/** Which transport {@code redis_dsn} selects, and that passwords never show. */
class TransportsTest {

    @Test
    void emptyDsnMeansInMemory() {
        try (Transport t = Transports.create("")) {
            assertThat(t).isInstanceOf(MemoryTransport.class);
            assertThat(t.description()).isEqualTo("in-memory (no redis_dsn set)");
            assertThat(t.state()).isEqualTo(TransportState.NEW);
            t.start();
            assertThat(t.isConnected()).isTrue();
        }
        try (Transport t = Transports.create("memory://")) {
            assertThat(t.description()).isEqualTo("in-memory (redis_dsn is memory://)");
        }
    }

    @Test
    void redisDsnNeverFallsBackToMemoryAndIsMasked() {
        try (Transport t = Transports.create("redis://user:s3cret@127.0.0.1:1/0")) {
            assertThat(t).isInstanceOf(RedisTransport.class);
            assertThat(t.description())
                    .isEqualTo("redis redis://user:***@127.0.0.1:1/0")
                    .doesNotContain("s3cret");
            assertThat(t.isConnected()).isFalse();
        }
    }

    @Test
    void masksEveryDsnForm() {
        assertThat(SecretMasker.maskText("redis://127.0.0.1:6379/0")).isEqualTo("redis://127.0.0.1:6379/0");
        assertThat(SecretMasker.maskText("redis://user:pw@host:6379")).isEqualTo("redis://user:***@host:6379");
        assertThat(SecretMasker.maskText("redis://:pw@host")).isEqualTo("redis://:***@host");
        assertThat(SecretMasker.maskText("rediss://pw@host:6380/2")).isEqualTo("rediss://***@host:6380/2");
        assertThat(Transports.isMemory("memory://")).isTrue();
        assertThat(Transports.isMemory("memory://bus")).isTrue();
        assertThat(Transports.isMemory("redis://x")).isFalse();
    }

    @Test
    void invalidDsnIsAStartUpProblem() {
        org.rockstat.band.internal.problem.Problems problems = new org.rockstat.band.internal.problem.Problems();
        Transports.check("http://user:s3cret@host", problems);
        Transports.check("redis://", problems);
        Transports.check("", problems);
        Transports.check("memory://x", problems);
        Transports.check("redis-sentinel://band:s3cret@s1:26379,s2:26379/0#mymaster", problems);
        Transports.check("redis-sentinel://band:s3cret@s1:26379,s2:26379/0", problems);
        assertThat(problems.list())
                .hasSize(3)
                .allSatisfy(p -> assertThat(p)
                        .startsWith("Invalid redis_dsn '")
                        .doesNotContain("s3cret")
                        .endsWith("for setting 'redis_dsn': use redis://host:port/db, redis://user:password@host:port,"
                                + " rediss://host:port (TLS), redis-sentinel://host:port,host:port#master (Sentinel),"
                                + " or leave it empty for the in-process bus"));
        assertThat(problems.list().get(2))
                .startsWith("Invalid redis_dsn 'redis-sentinel://band:***@s1:26379,s2:26379/0' (URI must contain the"
                        + " sentinelMasterId)");
    }

    @Test
    void memoryBusDeliversToEverySubscriberOfAChannel() throws Exception {
        MemoryBus bus = new MemoryBus();
        var got = new java.util.concurrent.LinkedBlockingQueue<String>();
        MemoryTransport a = new MemoryTransport(bus, "t");
        try (MemoryTransport b = new MemoryTransport(bus, "t");
                MemoryTransport sender = new MemoryTransport(bus, "t")) {
            a.start();
            b.start();
            sender.start();
            a.subscribe(
                    java.util.Set.of("x"),
                    (channel, message) -> got.add("a:" + channel + ":" + MessageCodec.text(message)));
            b.subscribe(
                    java.util.Set.of("x", "y"),
                    (channel, message) -> got.add("b:" + channel + ":" + MessageCodec.text(message)));
            sender.publish("x", MessageCodec.bytes("hello"));
            sender.publish("y", MessageCodec.bytes("only-b"));
            var seen = new java.util.HashSet<String>();
            for (int i = 0; i < 3; i++) {
                seen.add(got.poll(2, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(seen).containsExactlyInAnyOrder("a:x:hello", "b:x:hello", "b:y:only-b");
            a.close();
            assertThat(a.publish("x", MessageCodec.bytes("z")).toCompletableFuture())
                    .isCompletedExceptionally();
        } finally {
            a.close();
        }
    }
}
