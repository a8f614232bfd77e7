package org.rockstat.band.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Listener;
import org.rockstat.band.call.CallContext;
import org.rockstat.band.call.Event;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.metrics.BandMetrics;
import org.rockstat.band.internal.metrics.CallMeter;
import org.rockstat.band.internal.registry.ServiceModel;
import org.rockstat.band.method.Role;

/** Every way a call ends reaches the metrics once, with its method, role, transport and outcome. */
class DispatcherMetricsTest {
    private static final CallContext RPC = new CallContext("caller", "1", "m", "redis");
    private static final CallContext HTTP = new CallContext("http", "http-1", "m", "http");
    private static final CallContext FRONT = new CallContext("front", "9", "block", "redis");

    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> recorded = new CopyOnWriteArrayList<>();
    private final List<String> dropped = new CopyOnWriteArrayList<>();
    private final AtomicLong now = new AtomicLong();
    private Dispatcher dispatcher;

    /** Records what the dispatcher tells it, as {@code method role transport outcome nanos}. */
    private final BandMetrics metrics = new BandMetrics() {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public CallMeter calls(String method, Role role) {
            return (transport, outcome, nanos) -> recorded.add(
                    method + " " + (role == null ? "-" : role.name().toLowerCase(java.util.Locale.ROOT)) + " "
                            + transport + " " + outcome.tag() + " " + nanos);
        }

        @Override
        public void dropped(String reason) {
            dropped.add(reason);
        }
    };

    public final class Service {
        @Handler
        public Object ok() {
            now.addAndGet(7);
            return Map.of("ok", true);
        }

        @Handler
        public Object boom() {
            throw new IllegalStateException("database is down");
        }

        @Handler
        public Object needs(String who) {
            return who;
        }

        @Handler
        public Object block() throws InterruptedException {
            release.await();
            return "released";
        }

        @Handler(timeout = 50)
        public Object late() throws InterruptedException {
            Thread.sleep(Duration.ofMinutes(1));
            return null;
        }

        @Listener
        public void heard(Event event) {}
    }

    private Dispatcher dispatcher() {
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "svc")))
                .service(new Service())
                .build();
        dispatcher = new Dispatcher(
                model,
                Dispatcher.Options.defaults()
                        .withLimits(new Dispatcher.Limits(1, 1, 0))
                        .withNanoClock(now::get)
                        .withMetrics(metrics));
        return dispatcher;
    }

    @AfterEach
    void close() {
        release.countDown();
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    @Test
    void eachOutcomeIsRecordedOnceBeforeTheCallerSeesTheAnswer() throws Exception {
        Dispatcher d = dispatcher();
        assertThat(d.call("ok", null, HTTP).get(5, TimeUnit.SECONDS)).isEqualTo(Map.of("ok", true));
        // recorded before the answer was handed out: no waiting here
        assertThat(recorded).containsExactly("ok handler http ok 7");
        failure(d.call("boom", null, RPC));
        failure(d.call("needs", null, RPC));
        failure(d.call("late", null, RPC));
        failure(d.call("nosuch", null, RPC));
        d.call("broadcast", Json.object().put("key", "in.gen.track"), RPC).get(5, TimeUnit.SECONDS);
        assertThat(recorded)
                .containsExactly(
                        "ok handler http ok 7",
                        "boom handler redis error 0",
                        "needs handler redis invalid 0",
                        "late handler redis timeout 0",
                        "__unknown - redis not_found 0",
                        "Service.heard listener redis ok 0");
        assertThat(dropped).isEmpty();
    }

    @Test
    void refusedShedAndDrainedCallsAreRecordedAndTheirDropsCounted() throws Exception {
        Dispatcher d = dispatcher();
        CompletableFuture<Object> busy = d.call("block", null, RPC);
        await().atMost(Duration.ofSeconds(5)).until(() -> d.inFlight() == 1);
        CompletableFuture<Object> queued = d.call("block", null, FRONT);
        failure(d.call("block", null, RPC)); // one running, one waiting: refused
        assertThat(recorded).containsExactly("block handler redis overloaded 0");
        assertThat(dropped).containsExactly("overloaded");
        assertThat(d.capacities())
                .filteredOn(c -> c.method().equals("block"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.role()).isEqualTo(Role.HANDLER);
                    assertThat(c.running().getAsInt()).isEqualTo(1);
                    assertThat(c.queued().getAsInt()).isEqualTo(1);
                });
        now.addAndGet(Duration.ofMillis(201).toNanos()); // front has stopped waiting for the queued one
        release.countDown();
        assertThat(busy.get(5, TimeUnit.SECONDS)).isEqualTo("released");
        failure(queued);
        d.drain();
        failure(d.call("ok", null, HTTP));
        // the freed slot starts the queued call while the busy one records its outcome: those two
        // may land in either order, the refusal before them and the drained call after them may not
        assertThat(recorded).hasSize(4);
        assertThat(recorded.get(0)).isEqualTo("block handler redis overloaded 0");
        assertThat(recorded.subList(1, 3))
                .containsExactlyInAnyOrder("block handler redis ok 201000000", "block handler redis shed 201000000");
        assertThat(recorded.get(3)).isEqualTo("ok handler http unavailable 0");
        assertThat(dropped).containsExactly("overloaded", "shed");
    }

    @Test
    void anAbortedCallIsRecordedOnceAsTheCallerSawItEvenWhenItsMethodReturnsLater() throws Exception {
        Dispatcher d = dispatcher();
        CompletableFuture<Object> busy = d.call("block", null, RPC);
        await().atMost(Duration.ofSeconds(5)).until(() -> d.inFlight() == 1);
        assertThat(d.abortAll("Service is stopping")).isEqualTo(1);
        failure(busy);
        assertThat(recorded).containsExactly("block handler redis unavailable 0");
        // the method, interrupted, ends after its caller was answered: nothing more is recorded
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> d.inFlight() == 0);
        assertThat(d.call("ok", null, RPC).get(5, TimeUnit.SECONDS)).isEqualTo(Map.of("ok", true));
        assertThat(recorded).containsExactly("block handler redis unavailable 0", "ok handler redis ok 7");
    }

    private static void failure(CompletableFuture<Object> call) {
        assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }
}
