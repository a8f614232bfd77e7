package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.fixtures.Figures;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.fixtures.TcpRelay;
import org.rockstat.band.fixtures.WirePeer;
import org.rockstat.band.fixtures.WirePeer.Dialect;
import org.rockstat.band.internal.transport.RedisTransport;
import org.rockstat.band.internal.transport.TransportState;

/**
 * A service that cannot hear must stop heartbeating and hear again by itself: the half-open
 * subscriber of issue 9 (A.1), played with a relay between the service and Redis that silences the
 * connections and then lets Redis drop them while the service's sockets stay open and silent.
 * Front and director talk to Redis directly, as in production. Default watchdog settings.
 */
@Tag("slow") // real processes, seconds of watchdog time
class DeafSubscriberTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final String NAME = "deaf";
    private TcpRelay relay;
    private ServiceFixture service;
    private WirePeer front;
    private WirePeer director;

    @BeforeEach
    void start() {
        relay = TcpRelay.start(redis.address());
        service = new ServiceFixture(
                NAME, new TestService(NAME), relay.redisDsn(), Map.of("heartbeat_every_ms", 300), true);
        front = WirePeer.front(redis.dsn());
        director = WirePeer.director(redis.dsn());
        director.awaitHeartbeats(NAME, 1, Duration.ofSeconds(5));
        assertThat(answered()).isTrue();
    }

    @AfterEach
    void stop() {
        service.close();
        front.close();
        director.close();
        relay.close();
    }

    @Test
    void aHalfOpenSubscriptionIsFoundAndRebuiltAndHeartbeatsOnlyGoOutWhileItHears() {
        try (LogCapture log = LogCapture.of(RedisTransport.class)) {
            long cut = System.nanoTime();
            relay.cutUpstream(); // Redis drops the service's subscription; its sockets stay open and silent
            await().atMost(Duration.ofSeconds(5)).until(() -> subscribers() == 0);

            long heard = awaitHearing(cut);
            double seconds = (heard - cut) / 1e9;
            Figures.record("watchdog.half_open_cut_to_hearing", seconds, "s");
            assertThat(seconds).as("seconds from the cut to hearing again").isLessThanOrEqualTo(10);
            assertThat(log.count("deaf: no canary came back for"))
                    .as(log.messages().toString())
                    .isEqualTo(1);
            assertThat(log.count("connected again")).isEqualTo(1);
        }
        heartbeatsOnlyWhileHearing();
    }

    @Test
    void silenceThenAHalfOpenCutAsInTheIssueEndsWithTheServiceHearingAgain() {
        try (LogCapture log = LogCapture.of(RedisTransport.class)) {
            relay.blackhole(TcpRelay.Blackhole.DROP); // nothing passes either way, every socket stays open
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> service.assembly.transport().state() != TransportState.CONNECTED);
            int hbWhileSilent = director.heartbeatsFrom(NAME).size();
            // the reconnects it tries meanwhile get nowhere: the relay swallows them too
            service.awaitFailedAttempts(service.failedAttempts(), 2, Duration.ofSeconds(20));
            assertThat(director.heartbeatsFrom(NAME)).hasSize(hbWhileSilent);

            long cut = System.nanoTime();
            relay.cutUpstream();
            relay.resume();
            long heard = awaitHearing(cut);
            double seconds = (heard - cut) / 1e9;
            Figures.record("watchdog.silence_then_cut_to_hearing", seconds, "s");
            assertThat(seconds).isLessThanOrEqualTo(10);
            assertThat(log.count("deaf: no canary came back for")).isEqualTo(1);
        }
        heartbeatsOnlyWhileHearing();
    }

    /**
     * Every heartbeat is a promise that the service hears: when one arrives, a call made right then
     * is answered (before the fix, heartbeats went on from the reconnected publish connection
     * while the subscription was dead).
     */
    private void heartbeatsOnlyWhileHearing() {
        for (int i = 0; i < 3; i++) {
            int before = director.heartbeatsFrom(NAME).size();
            director.awaitHeartbeats(NAME, before + 1, Duration.ofSeconds(5));
            assertThat(answeredWithin(Duration.ofSeconds(1)))
                    .as("a call right after heartbeat %d", before + 1)
                    .isTrue();
        }
        assertThat(subscribers()).isEqualTo(1);
    }

    /** Polls with calls until one is answered; the time of the answer. */
    private long awaitHearing(long since) {
        long deadline = since + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (answeredWithin(Duration.ofMillis(250))) {
                return System.nanoTime();
            }
        }
        throw new AssertionError("the service did not hear again within 30 s of the cut");
    }

    private boolean answered() {
        return answeredWithin(Duration.ofSeconds(2));
    }

    private boolean answeredWithin(Duration timeout) {
        try {
            ObjectNode answer = front.call(NAME, "add", Map.of("a", 2, "b", 3), Dialect.NODE, timeout);
            return answer.path("result").asInt() == 5;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private long subscribers() {
        return redis.numsub(NAME);
    }
}
