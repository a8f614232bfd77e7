package org.rockstat.band;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.rockstat.band.config.ConfigurationException;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.config.ConfigLoader;
import org.rockstat.band.internal.config.DeepMerge;
import org.rockstat.band.internal.config.LoadedConfig;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.dispatch.ServiceStatus;
import org.rockstat.band.internal.http.HttpOptions;
import org.rockstat.band.internal.http.HttpServer;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.lifecycle.Lifecycle;
import org.rockstat.band.internal.logging.Logging;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.rpc.RpcRuntime;
import org.rockstat.band.lifecycle.Job;
import org.rockstat.band.lifecycle.Schedule;
import org.rockstat.band.rpc.MethodHandler;
import org.rockstat.band.rpc.MethodSpec;
import org.rockstat.band.rpc.RpcClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Band service: loads the configuration, reads the services' annotations once, serves
 * every method over HTTP and the Rockstat RPC transport, runs workers and tasks, and shuts down
 * gracefully. Most services need one line:
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     Band.run(args, new UaService());            // or Band.run(args, SkeletonService::new)
 * }
 * }</pre>
 *
 * <p>Tests and advanced users build one step by step, register plain-code methods and stop it:
 *
 * <pre>{@code
 * try (Band band = Band.create(Path.of("."))
 *         .service(new UaService())
 *         .method(MethodSpec.exposed("ping"), call -> "pong")
 *         .start()) {
 *     int port = band.httpPort();
 * }
 * }</pre>
 */
public final class Band implements AutoCloseable {
    /** How long workers and tasks get to finish at shutdown before cleanups run anyway. */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(Band.class);

    private enum State { NEW, RUNNING, STOPPED }

    private final Settings settings;
    private final Map<String, String> env;
    private final List<Path> files;
    private final List<Object> services = new ArrayList<>();
    private final List<Registration> registrations = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private State state = State.NEW;
    private Dispatcher dispatcher;
    private HttpServer http;
    private Lifecycle lifecycle;
    private RpcRuntime rpc;
    private int httpPort = -1;

    private Band(Settings settings, Map<String, String> env, List<Path> files) {
        this.settings = settings;
        this.env = env;
        this.files = files;
        Logging.configure(env);
    }

    /**
     * Runs the given services until the process is stopped (SIGTERM, Ctrl-C). Configuration
     * problems are logged, every one of them, and the process exits with status 1.
     */
    public static void run(String[] args, Object... services) {
        launch(args, band -> Arrays.stream(services).forEach(band::service));
    }

    /** Like {@link #run(String[], Object...)}, creating each service from the loaded settings. */
    public static void run(String[] args, ServiceFactory... factories) {
        launch(args, band -> Arrays.stream(factories).forEach(band::service));
    }

    private static void launch(String[] args, java.util.function.Consumer<Band> register) {
        Band band;
        try {
            band = create(args);
            register.accept(band);
            band.start();
        } catch (ConfigurationException e) {
            reportAndExit(e);
            return;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("band-shutdown").unstarted(band::stop));
        band.await();
    }

    private static void reportAndExit(ConfigurationException e) {
        List<String> problems = e.problems();
        log.error("Cannot start: {} problem{} found", problems.size(), problems.size() == 1 ? "" : "s");
        for (int i = 0; i < problems.size(); i++) {
            log.error("  {}. {}", i + 1, problems.get(i));
        }
        System.exit(1);
    }

    /**
     * A service configured from the working directory: {@code config.yaml}, {@code custom.yml},
     * {@code .env}, {@code .env.local} and the process environment.
     *
     * @param args the program's arguments; none are defined yet, unknown ones are logged
     */
    public static Band create(String[] args) {
        Band band = create(Path.of("").toAbsolutePath());
        if (args != null && args.length > 0) {
            log.warn("Ignoring command-line arguments {}: configure the service in config.yaml", List.of(args));
        }
        return band;
    }

    /** A service configured from the files in {@code directory} and the process environment. */
    public static Band create(Path directory) {
        return create(directory, System.getenv());
    }

    /** A service configured from the files in {@code directory} and the given environment. */
    public static Band create(Path directory, Map<String, String> environment) {
        return create(directory, environment, Map.of());
    }

    /**
     * A service configured from the files in {@code directory} and the given environment, with
     * {@code overrides} deep-merged over them as a last {@code custom.yml} would be (tests pin
     * {@code listen} or shorten intervals this way).
     */
    public static Band create(Path directory, Map<String, String> environment, Map<String, ?> overrides) {
        LoadedConfig config = ConfigLoader.load(directory, environment);
        Settings settings = overrides.isEmpty() ? config.settings()
                : new Settings(DeepMerge.merge(config.settings().tree(), (ObjectNode) Json.tree(overrides)));
        return new Band(settings, config.env(), config.files());
    }

    /** A service over already loaded settings, e.g. {@code Settings.of(Map.of("name", "t", "listen", "127.0.0.1:0"))}. */
    public static Band create(Settings settings) {
        return new Band(Objects.requireNonNull(settings, "settings"), System.getenv(), List.of());
    }

    /** Adds an annotated service instance, or a {@code Class} whose annotated methods are static. */
    public Band service(Object service) {
        requireNew();
        services.add(Objects.requireNonNull(service, "service"));
        return this;
    }

    /** Adds a service created from the settings. */
    public Band service(ServiceFactory factory) {
        requireNew();
        try {
            services.add(Objects.requireNonNull(factory.create(settings), "the service factory returned null"));
        } catch (ConfigurationException e) {
            throw e;
        } catch (Exception e) {
            Problems problems = new Problems();
            problems.add("Service factory failed (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
                    Problems.Where.of("service '" + settings.name() + "'"), "fix the constructor or the settings it reads");
            problems.throwIfAny();
        }
        return this;
    }

    /** Adds a plain-code method. */
    public Band method(MethodSpec spec, MethodHandler handler) {
        requireNew();
        registrations.add(b -> b.method(spec, handler));
        return this;
    }

    /** Adds a plain-code worker: runs once after start-up, interrupted at shutdown. */
    public Band worker(String name, Job job) {
        requireNew();
        registrations.add(b -> b.worker(name, job));
        return this;
    }

    /** Adds a plain-code periodic task. */
    public Band task(String name, Schedule schedule, Job job) {
        requireNew();
        registrations.add(b -> b.task(name, schedule, job));
        return this;
    }

    /** Adds a plain-code cleanup, run at shutdown after workers and tasks stopped. */
    public Band cleanup(String name, Job job) {
        requireNew();
        registrations.add(b -> b.cleanup(name, job));
        return this;
    }

    /**
     * Validates every registration, then starts HTTP, the RPC transport, workers and tasks.
     *
     * @throws ConfigurationException listing every problem found
     */
    public synchronized Band start() {
        requireNew();
        long begin = System.nanoTime();
        log.info("Starting service '{}' (env {}) in {}; config: {}", settings.name(), settings.env(),
                Path.of("").toAbsolutePath(), files.isEmpty() ? "defaults only"
                        : files.stream().map(f -> f.getFileName().toString()).collect(Collectors.joining(" + ")));
        log.info("Effective config: {}", settings.masked());
        ServiceModel.Builder builder = ServiceModel.builder(settings).inject(RpcClient.class, this::rpc);
        services.forEach(builder::service);
        registrations.forEach(r -> r.apply(builder));
        ServiceModel model = builder.build();

        dispatcher = new Dispatcher(model, new ServiceStatus(settings.name(), model, Clock.systemUTC()),
                settings.get("rpc.max_in_flight", Integer.class, Dispatcher.DEFAULT_MAX_IN_FLIGHT));
        state = State.RUNNING;
        try {
            http = new HttpServer(dispatcher, model.httpRoutes(), HttpOptions.from(settings));
            httpPort = http.start(listenHost(), listenPort());
            rpc = RpcRuntime.start(settings, model, dispatcher);
            lifecycle = new Lifecycle();
            lifecycle.start(model.workers(), model.tasks(), model.cleanups());
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        log.info("Service '{}' ready in {} ms: HTTP on {}:{}, {} on channels {}; methods: {}, listeners: {}, workers: {}, tasks: {}",
                settings.name(), (System.nanoTime() - begin) / 1_000_000, listenHost(), httpPort,
                rpc.transportDescription(), rpc.channels(), model.methods().size(), model.listeners().size(),
                model.workers().size(), model.tasks().size());
        return this;
    }

    /** Stops gracefully: no new calls, workers and tasks end, cleanups run. Idempotent. */
    public synchronized void stop() {
        if (state != State.RUNNING) {
            state = State.STOPPED;
            stopped.countDown();
            return;
        }
        state = State.STOPPED;
        log.info("Stopping service '{}'", settings.name());
        long begin = System.nanoTime();
        if (rpc != null) {
            rpc.close();
        }
        if (http != null) {
            http.stop();
        }
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (lifecycle != null) {
            lifecycle.stop(SHUTDOWN_GRACE);
        }
        log.info("Service '{}' stopped in {} ms", settings.name(), (System.nanoTime() - begin) / 1_000_000);
        stopped.countDown();
    }

    /** Blocks until {@link #stop()} has finished. */
    public void await() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Same as {@link #stop()}, for try-with-resources. */
    @Override
    public void close() {
        stop();
    }

    /** The loaded settings. */
    public Settings settings() {
        return settings;
    }

    /**
     * The client for calling other services over the platform's transport (Redis, or the
     * in-process bus without a {@code redis_dsn}). Service methods can also declare an
     * {@code RpcClient} parameter.
     *
     * <pre>{@code
     * Object geo = band.rpc().call("mmgeo", "enrich", Map.of("ip", ip), Duration.ofMillis(500));
     * }</pre>
     */
    public RpcClient rpc() {
        if (rpc == null) {
            throw new IllegalStateException("the service is not started");
        }
        return rpc.client();
    }

    /** Completes once every channel is subscribed (at once for the in-process transport). */
    public java.util.concurrent.CompletionStage<Void> ready() {
        if (rpc == null) {
            throw new IllegalStateException("the service is not started");
        }
        return rpc.ready();
    }

    /** The port HTTP listens on (the real one when {@code listen} asked for port 0). */
    public int httpPort() {
        if (httpPort < 0) {
            throw new IllegalStateException("the service is not started");
        }
        return httpPort;
    }

    private String listenHost() {
        String listen = settings.listen();
        String host = listen.substring(0, listen.lastIndexOf(':'));
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private int listenPort() {
        String listen = settings.listen();
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    private void requireNew() {
        if (state != State.NEW) {
            throw new IllegalStateException("register services and methods before start()");
        }
    }

    @FunctionalInterface
    private interface Registration {
        void apply(ServiceModel.Builder builder);
    }
}
