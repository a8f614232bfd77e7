package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.annotation.Listener;
import org.rockstat.band.call.Event;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.fixtures.WirePeer;
import org.rockstat.band.internal.replica.ReplicaSet;
import org.rockstat.band.internal.replica.View;

/**
 * What a draining service's listener publishes as it finishes reaches Redis before the transport
 * closes. The rolling restart of replicas lost an event this way: the leaving replica stored it,
 * its listener's notification was still in the publish queue when the stop closed the transport,
 * and the queue was thrown away ({@link ReplicaProcessTest}).
 */
class StopDeliversPublishesTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    /** More than the writer sends before the stop reaches the transport: the queue is full when the listener returns. */
    private static final int NOTIFICATIONS = 20_000;

    /** A listener that waits until the stop has begun, then notifies {@link #NOTIFICATIONS} times and returns. */
    public static final class Chatty {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Listener
        public void relay(Event event, RpcClient client) throws InterruptedException {
            started.countDown();
            release.await();
            for (int i = 0; i < NOTIFICATIONS; i++) {
                client.notify("seen", "stored", Map.of("n", i));
            }
        }
    }

    @Test
    void notificationsSentByAListenerDuringTheDrainAreAllPublished() throws Exception {
        Chatty chatty = new Chatty();
        ServiceFixture service = new ServiceFixture("chatty", chatty, redis.dsn(), Map.of(), true);
        try (WirePeer seen = new WirePeer(redis.dsn(), "seen", "seen");
                WirePeer front = WirePeer.front(redis.dsn())) {
            front.broadcast(Map.of("key", "in.gen.track", "id", "ev1", "name", "track"));
            assertThat(chatty.started.await(10, TimeUnit.SECONDS))
                    .as("listener started")
                    .isTrue();
            CompletableFuture<Void> stop = CompletableFuture.runAsync(service::close);
            // the listener runs on its message's own thread: the stop waits for it once it has left the replicas
            ReplicaSet replicas = service.assembly.replicas();
            ReplicasTest.until(
                    Duration.ofSeconds(10),
                    "the leave",
                    () -> replicas.current().getNow(View.OUTSIDE).contains(replicas.id()) ? "not left yet" : null);
            chatty.release.countDown();
            stop.get(60, TimeUnit.SECONDS);
            ReplicasTest.until(Duration.ofSeconds(10), "every notification", () -> {
                long n = seen.received().stream()
                        .filter(r -> "seen".equals(r.channel()))
                        .count();
                return n == NOTIFICATIONS ? null : n + " of " + NOTIFICATIONS + " received";
            });
        } finally {
            service.close();
        }
    }
}
