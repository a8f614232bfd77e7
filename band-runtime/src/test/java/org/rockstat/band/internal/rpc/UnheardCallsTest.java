package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.fixtures.Closer;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.internal.transport.Transports;

/**
 * Calls to a service nobody runs: PUBLISH says how many subscribers got the message, and when it
 * is none no answer can ever come. Requests fail at once, gathers complete at once with nothing,
 * notifications are counted as dropped. On both transports.
 */
class UnheardCallsTest {
    /** Far longer than the test may take: failing "at once" must not be the timeout firing. */
    private static final Duration LONG = Duration.ofSeconds(30);

    abstract static class Suite {
        @RegisterExtension
        final Closer open = new Closer();

        abstract String dsn();

        /** An endpoint on its own transport, subscribed to its channel. */
        RpcEndpoint endpoint(String name) {
            Transport transport = open.track(Transports.create(dsn()));
            RpcEndpoint endpoint = open.track(new RpcEndpoint(name, transport, 1 << 20));
            endpoint.start(Set.of(name), null).orTimeout(10, TimeUnit.SECONDS).join();
            return endpoint;
        }

        @Test
        void aRequestToAServiceNobodyRunsFailsAtOnce() {
            RpcEndpoint caller = endpoint("caller");
            long started = System.nanoTime();
            CompletableFuture<Object> call = caller.client().request("ghost", "enrich", null, LONG);
            assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOfSatisfying(
                            RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.UNAVAILABLE))
                    .hasMessage("Call ghost.enrich failed: no service 'ghost' is listening");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).isLessThan(LONG.dividedBy(3));
            if (Boolean.getBoolean("band.figures")) {
                System.out.println("figure: " + getClass().getSimpleName() + ": a call to nobody failed after "
                        + took.toNanos() / 1000 + " us (its timeout: " + LONG.toSeconds() + " s)");
            }
            assertThat(caller.pendingCalls()).isZero();
            assertThatThrownBy(() -> caller.client().call("ghost", "hello", Map.of("a", 1), LONG))
                    .isInstanceOf(RpcException.class)
                    .hasMessage("Call ghost.hello failed: no service 'ghost' is listening");
        }

        @Test
        void aRequestToAServiceThatIsThereIsStillAnswered() {
            RpcEndpoint caller = endpoint("caller");
            endpoint("callee"); // a client-only endpoint: answers "method not found", but answers
            assertThatThrownBy(() -> caller.client().call("callee", "nothing", null, LONG))
                    .isInstanceOfSatisfying(
                            RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.METHOD_NOT_FOUND));
        }

        @Test
        void aGatherOnAChannelNobodyListensToCompletesAtOnceWithNothing() {
            RpcEndpoint front = endpoint("front-like");
            Map<String, Object> results = front.client()
                    .requestAll("enrich", "enrich", Map.of("ua", "x"), Set.of("uaparser"), LONG)
                    .orTimeout(10, TimeUnit.SECONDS)
                    .join();
            assertThat(results).isEmpty();
            assertThat(front.pendingCalls()).isZero();
        }

        @Test
        void aNotificationToNobodyIsCountedAndLogged() {
            RpcEndpoint caller = endpoint("caller");
            try (LogCapture logs = LogCapture.of(RpcEndpoint.class)) {
                caller.client().notify("stats", "hit", Map.of("n", 1));
                caller.client().notify("stats", "hit", Map.of("n", 2));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> caller.drops().count("unheard") == 2);
                assertThat(logs.awaitMessage("reached nobody", Duration.ofSeconds(5)))
                        .isEqualTo("Notification stats.hit reached nobody: no service 'stats' is listening");
            }
            // a notification somebody hears is not counted
            endpoint("stats");
            caller.client().notify("stats", "hit", Map.of("n", 3));
            // a request published after it on the same connection: once it is answered, the
            // notification's publish has completed too (publishes complete in order)
            assertThatThrownBy(() -> caller.client().call("stats", "nothing", null, LONG))
                    .isInstanceOfSatisfying(
                            RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.METHOD_NOT_FOUND));
            assertThat(caller.drops().count("unheard")).isEqualTo(2);
        }
    }

    @Nested
    class Memory extends Suite {
        private static final AtomicLong BUSES = new AtomicLong();
        private final String dsn = "memory://unheard-" + BUSES.incrementAndGet();

        @Override
        String dsn() {
            return dsn;
        }
    }

    @Nested
    class Redis extends Suite {
        @RegisterExtension
        static final RedisServerExtension redis = new RedisServerExtension();

        @Override
        String dsn() {
            return redis.dsn();
        }
    }
}
