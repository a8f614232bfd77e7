package org.rockstat.band.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.rockstat.band.annotation.Cleanup;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Worker;
import org.rockstat.band.config.Settings;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.fixtures.RedisServerExtension;

/**
 * The AOT cache's training run: it needs no Redis and no free port, runs no user job, and still
 * calls the service over a real Redis transport (to the in-JVM {@link TrainingRedis}).
 */
class AotTrainingTest {
    private final AtomicInteger jobs = new AtomicInteger();

    public final class Service {
        @Handler
        public String hello(String who) {
            return "hello " + who;
        }

        @Worker
        public void work() {
            jobs.incrementAndGet();
        }

        @Cleanup
        public void cleanUp() {
            jobs.incrementAndGet();
        }
    }

    /** The image build has no Redis: the configured one (here a closed port) is replaced by the in-process bus. */
    @Test
    void answersEveryCallWithTheConfiguredRedisUnreachable() throws Exception {
        Settings configured = Settings.of(Map.of(
                "name", "trained",
                "listen", "0.0.0.0:" + RedisServerExtension.freePort(),
                "redis_dsn", "redis://127.0.0.1:" + RedisServerExtension.freePort()));

        AotTraining.Result result = AotTraining.run(() -> start(configured));

        assertThat(result.calls()).isEqualTo(AotTraining.ROUNDS * 6);
        assertThat(result.answered()).isEqualTo(result.calls());
        assertThat(result.complete()).isTrue();
    }

    /**
     * Over Redis too: answered calls mean the transport reached CONNECTED (its canary came back
     * through the stand-in; it publishes nothing before) and carried each request and answer.
     * Quietly: the training's log must not read as if something went wrong, or as if the build had
     * reached a Redis.
     */
    @Test
    void callsTheServiceOverARealRedisTransportQuietly() throws Exception {
        AotTraining.Result result;
        try (LogCapture band = LogCapture.of("org.rockstat.band")) {
            result = AotTraining.run(() -> start(Settings.of(Map.of("name", "trained"))));

            assertThat(band.events())
                    .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .isEmpty();
            assertThat(band.messages()).noneMatch(m -> m.startsWith("Redis connected"));
        }

        assertThat(result.redisCalls()).isEqualTo(AotTraining.REDIS_ROUNDS * 2);
        assertThat(result.redisAnswered()).isEqualTo(result.redisCalls());
        assertThat(result.complete()).isTrue();
    }

    @Test
    void trainsOnTheInProcessBusAndAFreeLoopbackPort() {
        Settings trained = AotTraining.settings(Settings.of(Map.of(
                "name", "trained", "listen", "0.0.0.0:8080", "redis_dsn", "redis://redis:6379", "greeting", "hi")));

        assertThat(trained.get("redis_dsn", String.class)).isEqualTo("memory://band-aot-training");
        assertThat(trained.get("listen", String.class)).isEqualTo("127.0.0.1:0");
        assertThat(trained.get("greeting", String.class)).isEqualTo("hi");
    }

    /** Workers, tasks and cleanups are user code with effects outside: none runs while an image is built. */
    @Test
    void runsNoWorkerAndNoCleanup() throws Exception {
        AotTraining.Result result = AotTraining.run(() -> start(Settings.of(Map.of("name", "trained"))));

        assertThat(result.complete()).isTrue();
        assertThat(jobs).hasValue(0);
    }

    @Test
    void httpStatusOfAClosedPortIsMinusOne() {
        assertThat(AotTraining.http(RedisServerExtension.freePort(), "/__status"))
                .isEqualTo(-1);
    }

    private ServiceAssembly start(Settings settings) {
        return ServiceAssembly.start(
                AotTraining.settings(settings),
                List.of(),
                List.of(new Service()),
                List.of(),
                ServiceAssembly.Options.defaults()
                        .withClock(Clock.systemUTC())
                        .withEnv(Map.of())
                        .withoutJobs());
    }
}
