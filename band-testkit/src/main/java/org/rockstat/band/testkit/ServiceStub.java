package org.rockstat.band.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.rockstat.band.Band;
import org.rockstat.band.RunningService;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.config.Settings;
import org.rockstat.band.method.MethodHandler;
import org.rockstat.band.method.MethodSpec;

/**
 * A stand-in for a service that the service under test calls: a real second Band service on the
 * same bus (the in-process one, or the test's {@code redis-server}), whose methods answer what
 * the test says, and which records every call it receives. Declared on the extension, it starts
 * before the service under test, so a worker that calls it at start-up finds it.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final BandServiceExtension band = BandServiceExtension.of(Checkout::new)
 *         .stub("geo", geo -> geo
 *                 .on("lookup").returns(Map.of("country", "NL"))
 *                 .on("reverse").answers(call -> Map.of("ip", call.params().string("ip")))
 *                 .on("broken").fails(RpcException.INVALID_PARAMS, "bad ip")
 *                 .on("slow").after(Duration.ofSeconds(2)).returns("late"));
 *
 * @Test
 * void asksGeoForTheCountry() {
 *     assertThat(band.call("price", Map.of("ip", "1.2.3.4"))).isEqualTo(Map.of("eur", 10));
 *     ServiceStub.ReceivedCall lookup = band.stub("geo").calls("lookup").get(0);
 *     assertThat(lookup.params()).containsEntry("ip", "1.2.3.4");
 *     assertThat(lookup.caller()).isEqualTo("checkout");
 * }
 *
 * @Test
 * void reportsGeoFailures() {
 *     band.stub("geo").on("lookup").fails(RpcException.INTERNAL_ERROR, "db down");   // this test only
 *     ...
 * }
 * }</pre>
 *
 * <p>Answers given on the extension hold for every test; one given inside a test holds until the
 * test ends, when the received calls are forgotten too. A method the stub has no answer
 * for is answered "method not found", as a real service would. Giving an answer for a method the
 * running stub does not serve yet restarts it (a few milliseconds) so it serves the method. A
 * delay ({@link Answer#after(Duration)}) is real time, like the caller's timeout it is meant to
 * meet. The method {@code enrich} is served as an enricher is, so a service calling another's
 * {@code enrich} directly can be tested too.
 */
public final class ServiceStub {
    private final String name;
    private final Map<String, Behaviour> declared = new LinkedHashMap<>();
    private final Map<String, Behaviour> answers = new ConcurrentHashMap<>();
    /** Guards the received calls. */
    private final ReentrantLock lock = new ReentrantLock();

    private final Condition arrived = lock.newCondition();
    /** Guards starting, restarting and stopping, and the declared answers. */
    private final ReentrantLock state = new ReentrantLock();

    private final List<ReceivedCall> received = new ArrayList<>();
    private boolean declaring = true;
    private String dsn;
    private Duration timeout = Duration.ofSeconds(10);
    private Duration startTimeout = Duration.ofSeconds(60);
    private RunningService service;
    private Set<String> served = Set.of();

    /** What a method does: wait {@code delay}, then answer with {@code handler}. */
    private record Behaviour(Duration delay, MethodHandler handler) {}

    /**
     * One call the stub received.
     *
     * <pre>{@code
     * ServiceStub.ReceivedCall call = band.stub("geo").awaitCalls("lookup", 1).get(0);
     * assertThat(call.params()).containsEntry("ip", "1.2.3.4");
     * }</pre>
     *
     * @param method       the method called
     * @param params       the params as plain Java values ({@code Map}, {@code List}, {@code String}...)
     * @param caller       the calling service's name
     * @param expectsReply false for a notification ({@code RpcClient.notify})
     */
    public record ReceivedCall(String method, Map<String, Object> params, String caller, boolean expectsReply) {
        /** An unmodifiable copy of the params. */
        public ReceivedCall {
            params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        }
    }

    ServiceStub(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A stub needs the name of the service it stands in for, e.g. \"geo\"");
        }
        this.name = name;
    }

    /** The name of the service it stands in for: its channel, and the caller name of its own calls. */
    public String name() {
        return name;
    }

    /**
     * Starts giving {@code method} an answer; finish with {@link Answer#returns(Object)},
     * {@link Answer#answers(MethodHandler)} or {@link Answer#fails(int, String)}.
     *
     * @throws IllegalArgumentException for {@code broadcast} and names starting with {@code __}
     *     (Band's own)
     */
    public Answer on(String method) {
        Objects.requireNonNull(method, "method");
        if (method.startsWith("__") || method.equals(MethodSpec.BROADCAST) || method.isBlank()) {
            throw new IllegalArgumentException("A stub cannot answer '" + method
                    + "': names starting with '__' and 'broadcast' belong to Band and the platform");
        }
        return new Answer(method, Duration.ZERO);
    }

    /** Every call received since the previous test ended (or the stub started), in arrival order. */
    public List<ReceivedCall> calls() {
        lock.lock();
        try {
            return List.copyOf(received);
        } finally {
            lock.unlock();
        }
    }

    /** The calls of {@code method} received since the previous test ended, in arrival order. */
    public List<ReceivedCall> calls(String method) {
        return calls().stream().filter(c -> c.method().equals(method)).toList();
    }

    /**
     * Waits until {@code count} calls of {@code method} arrived (for notifications and calls the
     * service makes in the background), within the extension's timeout.
     *
     * @return those calls
     * @throws AssertionError when fewer arrive in time, listing what did arrive
     */
    public List<ReceivedCall> awaitCalls(String method, int count) {
        return awaitCalls(method, count, timeout);
    }

    /**
     * Waits until {@code count} calls of {@code method} arrived, within {@code within}.
     *
     * @return those calls
     * @throws AssertionError when fewer arrive in time, listing what did arrive
     */
    public List<ReceivedCall> awaitCalls(String method, int count, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        lock.lock();
        try {
            while (true) {
                List<ReceivedCall> matching =
                        received.stream().filter(c -> c.method().equals(method)).toList();
                if (matching.size() >= count) {
                    return matching;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Expected " + count + " call(s) of " + name + "." + method + " within "
                            + within.toMillis() + " ms, got " + matching.size() + "; every call received: "
                            + received);
                }
                try {
                    arrived.await(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("Interrupted while waiting for calls of " + name + "." + method, e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The stub's own client: calls as {@code name()}, e.g. a peer calling the service under test
     * back ({@link BandServiceExtension#caller(String)} with the stub's name uses it).
     */
    public RpcClient rpc() {
        state.lock();
        try {
            if (service == null) {
                throw new IllegalStateException("Stub '" + name + "' is not running: use it inside a test");
            }
            return service.rpc();
        } finally {
            state.unlock();
        }
    }

    /** Forgets the calls received and the answers given inside a test; the declared ones stay. */
    public void reset() {
        state.lock();
        try {
            answers.clear();
            answers.putAll(declared);
        } finally {
            state.unlock();
        }
        lock.lock();
        try {
            received.clear();
        } finally {
            lock.unlock();
        }
    }

    private void define(String method, Behaviour behaviour) {
        state.lock();
        try {
            if (declaring) {
                declared.put(method, behaviour);
            }
            answers.put(method, behaviour);
            if (service != null && !served.contains(method)) {
                restart();
            }
        } finally {
            state.unlock();
        }
    }

    /** The declaration (on the extension) is over: answers given from now on are a test's own. */
    void endDeclaration() {
        state.lock();
        try {
            declaring = false;
        } finally {
            state.unlock();
        }
    }

    void start(String busDsn, Duration callTimeout, Duration subscribeTimeout) {
        state.lock();
        try {
            this.dsn = busDsn;
            this.timeout = callTimeout;
            this.startTimeout = subscribeTimeout;
            reset();
            launch();
        } finally {
            state.unlock();
        }
    }

    private void restart() {
        service.stop();
        service = null;
        launch();
    }

    private void launch() {
        Set<String> methods = new LinkedHashSet<>(answers.keySet());
        methods.addAll(served);
        Band band = Band.create(Settings.of(Map.of(
                "name",
                name,
                "env",
                "development",
                "listen",
                "127.0.0.1:0",
                "redis_dsn",
                dsn,
                // a delayed answer in flight must not hold the test's teardown for the default 10 s
                "shutdown",
                Map.of("grace_ms", 500))));
        for (String method : methods) {
            MethodSpec spec = method.equals(MethodSpec.ENRICH)
                    ? MethodSpec.enricher(List.of("stub." + name), Map.of())
                    : MethodSpec.exposed(method);
            band.method(spec, handler(method));
        }
        RunningService started = band.start();
        try {
            started.ready().toCompletableFuture().get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            started.stop();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException(
                    "Stub '" + name + "' did not subscribe within " + startTimeout.toMillis()
                            + " ms (BandServiceExtension.startTimeout)",
                    e);
        }
        service = started;
        served = Set.copyOf(methods);
    }

    private MethodHandler handler(String method) {
        return call -> {
            record(new ReceivedCall(
                    method,
                    call.params().asMap(),
                    call.context().caller(),
                    call.context().expectsReply()));
            Behaviour behaviour = answers.get(method);
            if (behaviour == null) {
                throw new RpcException(
                        RpcException.METHOD_NOT_FOUND,
                        "Method not found: stub '" + name + "' has no answer for '" + method + "' in this test");
            }
            if (behaviour.delay().isPositive()) {
                Thread.sleep(behaviour.delay());
            }
            return behaviour.handler().handle(call);
        };
    }

    private void record(ReceivedCall call) {
        lock.lock();
        try {
            received.add(call);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void stop() {
        state.lock();
        try {
            if (service != null) {
                service.stop();
            }
            service = null;
            served = Set.of();
        } finally {
            state.unlock();
        }
    }

    /**
     * The answer of one stubbed method, being written: optionally a delay, then what it answers.
     *
     * <pre>{@code
     * geo.on("lookup").returns(Map.of("country", "NL"));
     * geo.on("lookup").answers(call -> Map.of("country", call.params().string("ip").startsWith("5.") ? "RU" : "NL"));
     * geo.on("lookup").fails(RpcException.INVALID_PARAMS, "param 'ip' is not an address");
     * geo.on("lookup").after(Duration.ofMillis(800)).returns(Map.of());   // meets the caller's timeout
     * }</pre>
     */
    public final class Answer {
        private final String method;
        private final Duration delay;

        private Answer(String method, Duration delay) {
            this.method = method;
            this.delay = delay;
        }

        /** Answers only after {@code delay} (real time), e.g. to run into the caller's timeout. */
        public Answer after(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("A delay cannot be negative, got " + delay);
            }
            return new Answer(method, delay);
        }

        /** Answers every call with {@code value} (any JSON-serialisable value, or a {@code Response}). */
        public ServiceStub returns(Object value) {
            return answers(call -> value);
        }

        /** Answers each call with what {@code handler} returns; what it throws is answered as a service's error is. */
        public ServiceStub answers(MethodHandler handler) {
            Objects.requireNonNull(handler, "handler");
            define(method, new Behaviour(delay, handler));
            return ServiceStub.this;
        }

        /** Answers every call with a JSON-RPC error, e.g. {@code fails(RpcException.INVALID_PARAMS, "bad ip")}. */
        public ServiceStub fails(int code, String message) {
            return answers(call -> {
                throw new RpcException(code, message);
            });
        }
    }

    @Override
    public String toString() {
        return "ServiceStub[" + name + ", answers " + answers.keySet() + "]";
    }
}
