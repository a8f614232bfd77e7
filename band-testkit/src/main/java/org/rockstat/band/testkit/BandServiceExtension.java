package org.rockstat.band.testkit;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.rockstat.band.Band;
import org.rockstat.band.BandClient;
import org.rockstat.band.RunningService;
import org.rockstat.band.ServiceFactory;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.config.Settings;
import org.rockstat.band.fixtures.HttpProbe;
import org.rockstat.band.fixtures.RedisServerExtension;

/**
 * Runs a Band service in-process for a test class and plays the platform around it. Registered
 * as a static field it starts before the class's first test and always stops after the last; as
 * an instance field, around each test.
 *
 * <pre>{@code
 * class UaParserServiceTest {
 *     @RegisterExtension
 *     static final BandServiceExtension band = BandServiceExtension.of(UaParserService::new)
 *             .config(Path.of(""));                      // the service's own config.yaml
 *
 *     @Test
 *     void enrichesTrackingEvents() {
 *         Map<?, ?> ua = (Map<?, ?>) band.front().enrich(Map.of("ua", "Mozilla/5.0 (iPhone; ...)"));
 *         assertThat(ua.get("is_mob")).isEqualTo(1);
 *         assertThat(band.director().registerJson()).contains("\"role\":\"enricher\"");
 *         assertThat(band.http().get("/cache_info").status()).isEqualTo(200);
 *     }
 * }
 * }</pre>
 *
 * <p>Besides front ({@link #front()}), director ({@link #director()}) and HTTP ({@link #http()}),
 * a test can
 *
 * <ul>
 *   <li>stub the services it calls: {@link #stub(String, Consumer)} declares a {@link ServiceStub},
 *       a real second service on the same bus that answers what the test says and records the
 *       calls it receives;
 *   <li>call its methods as another service would: {@link #call(String, Object)},
 *       {@link #callAs(String, Object, Class)}, {@link #caller(String)};
 *   <li>run a {@code @Task} now and wait for it ({@link #runTask(String)}, its failure rethrown),
 *       and wait for a {@code @Worker} to be running ({@link #awaitWorkerStarted(String)});
 *   <li>control time: {@link #clock(Clock)} with a {@link ManualClock}, whose
 *       {@link ManualClock#advance(java.time.Duration)} runs the tasks that became due.
 * </ul>
 *
 * <pre>{@code
 * static final ManualClock clock = ManualClock.at("2025-01-01T00:00:00Z");
 *
 * @RegisterExtension
 * static final BandServiceExtension band = BandServiceExtension.of(Rates::new)
 *         .stub("fx", fx -> fx.on("quote").returns(Map.of("usd", 1.08)))
 *         .clock(clock);
 *
 * @Test
 * void refreshesRatesEveryHour() {                              // Rates: @Task(cron = "0 * * * *") refresh()
 *     band.runTask("refresh");                                  // now, whatever the schedule
 *     clock.advance(Duration.ofHours(2));                       // two more scheduled runs
 *     assertThat(band.stub("fx").calls("quote")).hasSize(3);
 *     assertThat(band.callAs("rate", Map.of("to", "usd"), Double.class)).isEqualTo(1.08);
 * }
 * }</pre>
 *
 * <p>The service listens on 127.0.0.1 on a free port and uses the embedded transport, unless
 * {@link #redis()} asks for a real {@code redis-server} (started on a free port for the class);
 * stubs and the platform's peers use the same bus. Heartbeats are sped up (first after 50 ms, then
 * every 200 ms) so tests need not wait 5 s. After each test the stubs forget the calls they
 * received and the answers the test gave them (so the first test also sees the calls made at
 * start-up; an instance-field extension starts afresh for every test). With a
 * {@link ManualClock}, the task runs due at start-up are over before the first test begins.
 */
public final class BandServiceExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final java.util.concurrent.atomic.AtomicLong BUS_IDS = new java.util.concurrent.atomic.AtomicLong();
    private static final String DEFAULT_CALLER = "testkit";
    private final List<Object> services = new ArrayList<>();
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private Path configDir;
    private Map<String, String> env = Map.of();
    private boolean useRedis;
    private Duration timeout = Duration.ofSeconds(10);
    // a deadline, not a wait: a passing start costs what it takes, and a cold JVM on a loaded CI
    // machine (two cores, other builds) takes several seconds before the first test
    private Duration startTimeout = Duration.ofSeconds(60);

    private RedisServerExtension redis;
    private String dsn;
    private RunningService band;
    private BandClient front;
    private BandClient director;
    private BandClient observer;
    private FrontClient frontClient;
    private DirectorProbe directorProbe;
    private HttpProbe http;
    private boolean perTest;

    private final Map<String, ServiceStub> stubs = new LinkedHashMap<>();
    private final Map<String, ServiceCaller> callers = new LinkedHashMap<>();
    private final List<BandClient> callerClients = new ArrayList<>();
    private final java.util.concurrent.locks.ReentrantLock callersLock = new java.util.concurrent.locks.ReentrantLock();
    private Clock clock;

    private BandServiceExtension() {}

    /** The extension for an annotated service instance. */
    public static BandServiceExtension of(Object service) {
        BandServiceExtension extension = new BandServiceExtension();
        extension.services.add(service);
        return extension;
    }

    /** The extension for a service created from the loaded settings, e.g. {@code MyService::new}. */
    public static BandServiceExtension of(ServiceFactory factory) {
        BandServiceExtension extension = new BandServiceExtension();
        extension.services.add(factory);
        return extension;
    }

    /** Loads {@code config.yaml} (and {@code custom.yml}, {@code .env}) from {@code directory}, as the service would. */
    public BandServiceExtension config(Path directory) {
        this.configDir = directory;
        return this;
    }

    /** The environment the config templates see (default: none, so templates use their defaults). */
    public BandServiceExtension env(Map<String, String> environment) {
        this.env = Map.copyOf(environment);
        return this;
    }

    /** A setting, merged over the config files ({@code name}, {@code initial_counter_value}...). */
    public BandServiceExtension setting(String key, Object value) {
        settings.put(key, value);
        return this;
    }

    /** Runs the service and the platform peers on a real {@code redis-server} instead of the embedded bus. */
    public BandServiceExtension redis() {
        this.useRedis = true;
        return this;
    }

    /**
     * Stubs the service named {@code name}: a real service on the same bus, started before the
     * service under test, answering as {@code answers} says; get it in a test with
     * {@link #stub(String)}.
     *
     * <pre>{@code
     * .stub("geo", geo -> geo.on("lookup").returns(Map.of("country", "NL")))
     * }</pre>
     */
    public BandServiceExtension stub(String name, Consumer<ServiceStub> answers) {
        if (stubs.containsKey(name)) {
            throw new IllegalArgumentException(
                    "Service '" + name + "' is stubbed twice: declare its answers in one stub(...)");
        }
        ServiceStub stub = new ServiceStub(name);
        answers.accept(stub);
        stub.endDeclaration();
        stubs.put(name, stub);
        return this;
    }

    /**
     * The clock the service reads time from: task schedules (cron in its zone), methods'
     * {@code Clock} and {@code InstantSource} parameters, {@code __status} uptime. A
     * {@link ManualClock} stands still until the test advances it.
     */
    public BandServiceExtension clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** How long calls, waits and a stub's replies may take (default 10 s). */
    public BandServiceExtension timeout(Duration value) {
        this.timeout = Objects.requireNonNull(value, "timeout");
        return this;
    }

    /**
     * How long start-up may take before the first test: the service ready, the front, director
     * and observer clients subscribed, the register seen by director (default 60 s).
     */
    public BandServiceExtension startTimeout(Duration value) {
        this.startTimeout = Objects.requireNonNull(value, "startTimeout");
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (band == null) {
            perTest = true;
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stop();
        } else {
            stubs.values().forEach(ServiceStub::reset);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void start() {
        try {
            Map<String, Object> overrides = new LinkedHashMap<>(settings);
            overrides.put("listen", "127.0.0.1:0");
            overrides.put("rpc", Map.of("heartbeat_delay_ms", 50, "heartbeat_every_ms", 200));
            if (useRedis) {
                redis = new RedisServerExtension();
                redis.start();
                dsn = redis.dsn();
            } else {
                // a bus of its own: services of other test classes in this JVM never answer for it
                dsn = "memory://testkit-" + BUS_IDS.incrementAndGet();
            }
            overrides.put("redis_dsn", dsn);
            Band builder = configDir != null
                    ? Band.create(configDir, env, overrides)
                    : Band.create(Settings.of(withDefaultName(overrides)));
            if (stubs.containsKey(builder.settings().name())) {
                throw new IllegalArgumentException(
                        "A stub is named '" + builder.settings().name()
                                + "', as the service under test is: stub the services it calls, not itself");
            }
            for (ServiceStub stub : stubs.values()) {
                stub.start(dsn, timeout, startTimeout);
            }
            for (Object service : services) {
                if (service instanceof ServiceFactory factory) {
                    builder.service(factory);
                } else {
                    builder.service(service);
                }
            }
            if (clock instanceof ManualClock manual) {
                manual.settleWithin(timeout);
            }
            if (clock != null) {
                builder.clock(clock);
            }
            band = builder.start();
            front = BandClient.connect("front", dsn);
            director = BandClient.connect("director", dsn);
            observer = BandClient.connect("testkit-observer-" + BUS_IDS.incrementAndGet(), dsn);
            directorProbe = new DirectorProbe(director, observer, band.name(), timeout);
            frontClient = new FrontClient(front, band.name(), directorProbe::register, timeout);
            long deadline = System.nanoTime() + startTimeout.toNanos();
            Map<String, CompletionStage<?>> stages = new LinkedHashMap<>();
            stages.put("the service", band.ready());
            stages.put("the front client", front.ready());
            stages.put("the director client", director.ready());
            stages.put("the observer client", observer.ready());
            stages.put("director's view of the register", directorProbe.ready());
            for (var stage : stages.entrySet()) {
                awaitStarted(stage.getKey(), stage.getValue(), deadline);
            }
            http = HttpProbe.local(band.httpPort());
            if (clock instanceof ManualClock manual) {
                // the runs due at start-up (an every-task's first) are over before the first test
                manual.advance(Duration.ZERO);
            }
        } catch (RuntimeException e) {
            stop();
            throw e;
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("The service did not start: " + e.getMessage(), e);
        }
    }

    private void awaitStarted(String what, CompletionStage<?> stage, long deadlineNanos) throws Exception {
        try {
            stage.toCompletableFuture().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException(what + " was not ready within " + startTimeout.toMillis()
                    + " ms (BandServiceExtension.startTimeout)");
        }
    }

    private static Map<String, Object> withDefaultName(Map<String, Object> overrides) {
        Map<String, Object> all = new LinkedHashMap<>(overrides);
        all.putIfAbsent("name", "service");
        return all;
    }

    private void stop() {
        closeQuietly(http);
        closeQuietly(band);
        closeQuietly(front);
        closeQuietly(director);
        closeQuietly(observer);
        callerClients.forEach(BandServiceExtension::closeQuietly);
        callerClients.clear();
        callers.clear();
        for (ServiceStub stub : stubs.values()) {
            closeQuietly(stub::stop);
        }
        if (redis != null) {
            redis.stop();
        }
        http = null;
        front = null;
        director = null;
        observer = null;
        band = null;
        redis = null;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // stopping everything matters more than the first failure
            }
        }
    }

    /** The running service. */
    public RunningService band() {
        return require(band);
    }

    /** The bus the service and the platform peers share: {@code memory://...} or the test's Redis. */
    public String dsn() {
        return require(dsn);
    }

    /** Front's side: handler calls with full events, enrich round trips, broadcasts. */
    public FrontClient front() {
        return require(frontClient);
    }

    /** Director's side: register, status, heartbeats. */
    public DirectorProbe director() {
        return require(directorProbe);
    }

    /** An HTTP client bound to the service's port. */
    public HttpProbe http() {
        return require(http);
    }

    /**
     * The stub declared with {@link #stub(String, Consumer)}: its recorded calls, and answers
     * for this test only.
     *
     * @throws IllegalArgumentException when no stub has that name
     */
    public ServiceStub stub(String name) {
        require(band);
        ServiceStub stub = stubs.get(name);
        if (stub == null) {
            throw new IllegalArgumentException("No stub named '" + name + "'; declare it on the extension with"
                    + " .stub(\"" + name + "\", s -> s.on(\"method\").returns(...)); stubs: " + stubs.keySet());
        }
        return stub;
    }

    /**
     * Calls {@code method} of the service as the service {@code testkit} would; see
     * {@link ServiceCaller#call(String, Object)}.
     *
     * @throws org.rockstat.band.call.RpcException with the service's error code and message
     */
    public Object call(String method, Object params) {
        return caller(DEFAULT_CALLER).call(method, params);
    }

    /**
     * Calls {@code method} and decodes the result into {@code type}; see
     * {@link ServiceCaller#callAs(String, Object, Class)}.
     */
    public <T> T callAs(String method, Object params, Class<T> type) {
        return caller(DEFAULT_CALLER).callAs(method, params, type);
    }

    /**
     * Calls the service as the service named {@code name}: {@code front} and {@code director}
     * are the platform's peers, a stub's name calls as that stub, any other name is a client of
     * its own on the bus.
     *
     * @throws IllegalArgumentException for the name of the service under test
     */
    public ServiceCaller caller(String name) {
        RunningService running = require(band);
        if (name.equals(running.name())) {
            throw new IllegalArgumentException("'" + name + "' is the service under test itself: call it as another"
                    + " service, e.g. caller(\"" + DEFAULT_CALLER + "\")");
        }
        callersLock.lock();
        try {
            ServiceCaller existing = callers.get(name);
            if (existing != null) {
                return existing;
            }
            Supplier<RpcClient> client;
            if (name.equals("front")) {
                BandClient peer = front;
                client = () -> peer;
            } else if (name.equals("director")) {
                BandClient peer = director;
                client = () -> peer;
            } else if (stubs.containsKey(name)) {
                // a client of its own would share the stub's channel and answer its calls "not found";
                // asked for each call, as a stub restarts when a test gives it a new method
                ServiceStub stub = stubs.get(name);
                client = stub::rpc;
            } else {
                BandClient own = BandClient.connect(name, dsn);
                callerClients.add(own);
                join(own.ready(), "Caller '" + name + "' subscribing");
                client = () -> own;
            }
            ServiceCaller caller = new ServiceCaller(name, client, running.name(), timeout);
            callers.put(name, caller);
            return caller;
        } finally {
            callersLock.unlock();
        }
    }

    /**
     * Runs the {@code @Task} (or plain-code task) named {@code name} now, whatever its schedule,
     * and waits for the run to end; its schedule goes on unchanged.
     *
     * @throws AssertionError when the task fails (its exception is the cause) or does not end
     *     within the timeout
     * @throws IllegalArgumentException naming the service's tasks when none has that name
     */
    public void runTask(String name) {
        join(band().runTask(name), "Task '" + name + "'");
    }

    /**
     * Waits until the {@code @Worker} named {@code name} has begun running.
     *
     * @throws AssertionError when it has not within the timeout
     * @throws IllegalArgumentException naming the service's workers when none has that name
     */
    public void awaitWorkerStarted(String name) {
        join(band().workerStarted(name), "Worker '" + name + "' to start");
    }

    /**
     * Waits until the {@code @Worker} named {@code name} has returned.
     *
     * @throws AssertionError when it failed (its exception is the cause) or still runs after the
     *     timeout
     */
    public void awaitWorkerFinished(String name) {
        join(band().workerFinished(name), "Worker '" + name + "'");
    }

    private void join(CompletionStage<Void> stage, String what) {
        try {
            stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new AssertionError(what + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not finish within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for " + what, e);
        }
    }

    /** The service's settings as loaded. */
    public Settings settings() {
        return band().settings();
    }

    private static <T> T require(T value) {
        if (value == null) {
            throw new IllegalStateException("The service is not running: register the extension with"
                    + " @RegisterExtension and use it inside a test");
        }
        return value;
    }
}
