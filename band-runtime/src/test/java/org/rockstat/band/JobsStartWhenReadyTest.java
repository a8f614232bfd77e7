package org.rockstat.band;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Task;
import org.rockstat.band.annotation.Worker;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.fixtures.RedisServerExtension;

/**
 * Workers and tasks begin once the service is ready (subscribed on Redis and joined), as the
 * Python band connects before it starts its workers: a job's first run can call other services.
 * A service started while Redis is down holds its jobs until Redis comes up, and a stop before
 * that ends them unrun, quietly.
 */
class JobsStartWhenReadyTest {
    static final RedisServerExtension redis = new RedisServerExtension();

    @AfterAll
    static void stopRedis() {
        redis.afterAll(null);
    }

    /** A worker and a task whose first act is a call to the service itself, over Redis. */
    public static final class Calling {
        final List<Object> workerAnswers = new CopyOnWriteArrayList<>();
        final List<Object> taskAnswers = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> workerCalled = new CompletableFuture<>();
        final CompletableFuture<Void> taskCalled = new CompletableFuture<>();

        @Handler
        public int add(int a, int b) {
            return a + b;
        }

        @Worker
        public void warm(RpcClient rpc) throws InterruptedException {
            workerAnswers.add(rpc.call("early", "add", Map.of("a", 1, "b", 2), Duration.ofSeconds(5)));
            workerCalled.complete(null);
            Thread.sleep(Duration.ofMinutes(10));
        }

        @Task(every = "50ms")
        public void report(RpcClient rpc) {
            taskAnswers.add(rpc.call("early", "add", Map.of("a", 2, "b", 3), Duration.ofSeconds(5)));
            taskCalled.complete(null);
        }
    }

    @Test
    void jobsWaitForRedisAndTheirFirstCallsAreAnswered() throws Exception {
        redis.start();
        redis.kill(); // keeps the port: nothing listens there now
        Calling calling = new Calling();
        try (LogCapture log = LogCapture.of("org.rockstat.band");
                RunningService service = TestServices.start("early", redis.dsn(), calling)) {
            // said after a second without Redis: by then a job started at once would have run
            log.awaitMessage("before it is ready", Duration.ofSeconds(10));
            assertThat(service.ready().toCompletableFuture()).isNotDone();
            assertThat(service.workerStarted("warm").toCompletableFuture()).isNotDone();
            assertThat(calling.taskAnswers).isEmpty();
            assertThat(calling.workerAnswers).isEmpty();

            redis.start();
            service.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
            service.workerStarted("warm").toCompletableFuture().get(10, TimeUnit.SECONDS);
            calling.workerCalled.get(10, TimeUnit.SECONDS);
            calling.taskCalled.get(10, TimeUnit.SECONDS);

            assertThat(calling.workerAnswers).containsExactly(3);
            assertThat(calling.taskAnswers)
                    .isNotEmpty()
                    .allSatisfy(answer -> assertThat(answer).isEqualTo(5));
            assertThat(log.at(Level.WARN)).noneMatch(e -> e.getLoggerName().contains("jobs"));
            assertThat(log.at(Level.ERROR)).isEmpty();
        }
    }

    @Test
    void aStopBeforeReadyEndsTheJobsUnrun() throws Exception {
        redis.start();
        redis.kill();
        Calling calling = new Calling();
        try (LogCapture log = LogCapture.of("org.rockstat.band")) {
            RunningService service = TestServices.start("early", redis.dsn(), calling);
            log.awaitMessage("before it is ready", Duration.ofSeconds(10));
            service.stop();

            service.workerFinished("warm").toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(service.workerStarted("warm").toCompletableFuture()).isNotDone();
            assertThat(calling.workerAnswers).isEmpty();
            assertThat(calling.taskAnswers).isEmpty();
            assertThat(log.at(Level.WARN)).noneMatch(e -> e.getLoggerName().contains("jobs"));
            assertThat(log.at(Level.ERROR)).isEmpty();
        }
    }
}
