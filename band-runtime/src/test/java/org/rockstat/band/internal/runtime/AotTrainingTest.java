package org.rockstat.band.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.rockstat.band.annotation.Cleanup;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Worker;
import org.rockstat.band.config.Settings;
import org.rockstat.band.fixtures.RedisServerExtension;

/** The AOT cache's training run: it needs no Redis and no free port, and runs no user job. */
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
