package org.rockstat.band.internal.transport;

import org.rockstat.band.internal.config.SecretMasker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.config.Settings;

/** Which transport {@code redis_dsn} selects, and that passwords never show. */
class TransportsTest {

    @Test
    void emptyDsnMeansInMemory() {
        try (Transport t = Transports.create(Settings.of(Map.of("name", "a")))) {
            assertThat(t).isInstanceOf(MemoryTransport.class);
            assertThat(t.description()).isEqualTo("in-memory (no redis_dsn set)");
            assertThat(t.isConnected()).isTrue();
        }
        try (Transport t = Transports.create(Settings.of(Map.of("name", "a", "redis_dsn", "memory://")))) {
            assertThat(t.description()).isEqualTo("in-memory (redis_dsn is memory://)");
        }
    }

    @Test
    void redisDsnNeverFallsBackToMemoryAndIsMasked() {
        try (Transport t = Transports.create(Settings.of(Map.of("name", "a", "redis_dsn", "redis://user:s3cret@127.0.0.1:1/0")))) {
            assertThat(t).isInstanceOf(RedisTransport.class);
            assertThat(t.description()).isEqualTo("redis redis://user:***@127.0.0.1:1/0").doesNotContain("s3cret");
            assertThat(t.isConnected()).isFalse();
        }
    }

    @Test
    void masksEveryDsnForm() {
        assertThat(SecretMasker.maskText("redis://127.0.0.1:6379/0")).isEqualTo("redis://127.0.0.1:6379/0");
        assertThat(SecretMasker.maskText("redis://user:pw@host:6379")).isEqualTo("redis://user:***@host:6379");
        assertThat(SecretMasker.maskText("redis://:pw@host")).isEqualTo("redis://:***@host");
        assertThat(SecretMasker.maskText("rediss://pw@host:6380/2")).isEqualTo("rediss://***@host:6380/2");
        assertThat(Dsn.isMemory("")).isTrue();
        assertThat(Dsn.isMemory("memory://")).isTrue();
        assertThat(Dsn.isMemory("redis://x")).isFalse();
    }

    @Test
    void memoryBusDeliversToEverySubscriberOfAChannel() throws Exception {
        MemoryBus bus = new MemoryBus();
        var got = new java.util.concurrent.LinkedBlockingQueue<String>();
        try (MemoryTransport a = new MemoryTransport(bus, "t"); MemoryTransport b = new MemoryTransport(bus, "t");
             MemoryTransport sender = new MemoryTransport(bus, "t")) {
            a.subscribe(java.util.Set.of("x"), (channel, message) -> got.add("a:" + channel + ":" + message));
            b.subscribe(java.util.Set.of("x", "y"), (channel, message) -> got.add("b:" + channel + ":" + message));
            sender.publish("x", "hello");
            sender.publish("y", "only-b");
            var seen = new java.util.HashSet<String>();
            for (int i = 0; i < 3; i++) {
                seen.add(got.poll(2, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(seen).containsExactlyInAnyOrder("a:x:hello", "b:x:hello", "b:y:only-b");
            a.close();
            assertThat(a.publish("x", "z").toCompletableFuture()).isCompletedExceptionally();
        }
    }
}
