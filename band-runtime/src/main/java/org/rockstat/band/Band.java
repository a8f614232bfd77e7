package org.rockstat.band;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.rockstat.band.config.ConfigurationException;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.config.ConfigLoader;
import org.rockstat.band.internal.config.DeepMerge;
import org.rockstat.band.internal.config.LoadedConfig;
import org.rockstat.band.internal.config.SettingsTrees;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.logging.Logging;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.registry.ServiceModel;
import org.rockstat.band.internal.runtime.AotTraining;
import org.rockstat.band.internal.runtime.ServiceAssembly;
import org.rockstat.band.job.Job;
import org.rockstat.band.job.Schedule;
import org.rockstat.band.method.MethodHandler;
import org.rockstat.band.method.MethodSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a Band service: loads the configuration, takes the services and plain-code methods,
 * and {@link #start()}s them as a {@link RunningService} serving every method over HTTP and the
 * Rockstat RPC transport. Most services need one line:
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     Band.run(args, new UaService());            // or Band.run(args, SkeletonService::new)
 * }
 * }</pre>
 *
 * <p>Tests and advanced users build one step by step and stop it:
 *
 * <pre>{@code
 * try (RunningService service = Band.create(Path.of("."))
 *         .service(new UaService())
 *         .method(MethodSpec.exposed("ping"), call -> "pong")
 *         .start()) {
 *     int port = service.httpPort();
 * }
 * }</pre>
 *
 * <p>A builder is used once: register everything, then call {@code start()}.
 */
public final class Band {
    private static final Logger log = LoggerFactory.getLogger(Band.class);

    private final Settings settings;
    private final Map<String, String> env;
    private final List<Path> files;
    private final List<Object> services = new ArrayList<>();
    private final List<Consumer<ServiceModel.Builder>> registrations = new ArrayList<>();
    private Clock clock = ServiceAssembly.Options.defaults().clock();
    private boolean started;

    private Band(Settings settings, Map<String, String> env, List<Path> files) {
        this.settings = settings;
        this.env = env;
        this.files = files;
    }

    /**
     * Runs the given services until the process is stopped (SIGTERM, Ctrl-C). Logging is set up
     * from the loaded environment; configuration problems are logged, every one of them, and the
     * process exits with status 1.
     */
    public static void run(String[] args, Object... services) {
        launch(args, band -> Arrays.stream(services).forEach(band::service));
    }

    /** Like {@link #run(String[], Object...)}, creating each service from the loaded settings. */
    public static void run(String[] args, ServiceFactory... factories) {
        launch(args, band -> Arrays.stream(factories).forEach(band::service));
    }

    private static void launch(String[] args, Consumer<Band> register) {
        RunningService service;
        try {
            Band band = create(args);
            Logging.configure(band.env, band.settings.name(), band.settings.env());
            register.accept(band);
            service = band.start();
        } catch (ConfigurationException e) {
            reportAndExit(e);
            return;
        }
        Runtime.getRuntime()
                .addShutdownHook(Thread.ofPlatform().name("band-shutdown").unstarted(service::stop));
        service.await();
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
     * @throws ConfigurationException listing every problem in the files
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
        Settings settings = overrides.isEmpty()
                ? config.settings()
                : SettingsTrees.wrap(
                        DeepMerge.merge(SettingsTrees.tree(config.settings()), (ObjectNode) Json.tree(overrides)));
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

    /**
     * Adds a service created from the settings.
     *
     * @throws ConfigurationException when the factory fails (its exception is the problem's text)
     */
    public Band service(ServiceFactory factory) {
        requireNew();
        try {
            services.add(Objects.requireNonNull(factory.create(settings), "the service factory returned null"));
        } catch (ConfigurationException e) {
            throw e;
        } catch (Exception e) {
            Problems problems = new Problems();
            problems.add(
                    "Service factory failed (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
                    Problems.Where.of("service '" + settings.name() + "'"),
                    "fix the constructor or the settings it reads");
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
     * The clock Band reads time from instead of the machine's: tasks plan their runs by it (cron
     * expressions in its zone), {@code __status} counts uptime by it, and methods that declare a
     * {@code java.time.Clock} or {@code InstantSource} parameter receive it. Default: the system
     * clock in the machine's zone. Call timeouts, heartbeats and HTTP deadlines keep real time:
     * they guard against a peer that never answers, which a stopped clock must not hide.
     *
     * <pre>{@code
     * Band.create(args).service(new Reports()).clock(Clock.system(ZoneId.of("Europe/Moscow"))).start();
     * }</pre>
     *
     * <p>A clock that is also a {@link SteppedClock} (the testkit's {@code ManualClock}) is waited
     * on: its time moves only when the test moves it, and moving it runs the tasks that became
     * due before it returns.
     */
    public Band clock(Clock clock) {
        requireNew();
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** The loaded settings. */
    public Settings settings() {
        return settings;
    }

    /**
     * Validates the configuration and every registration, then starts HTTP, the RPC transport,
     * the heartbeat, workers and tasks.
     *
     * <p>In a JVM started with {@code -Dband.aot.training=true} (what {@code start_dev} does to make
     * the JDK's AOT cache) it is the cache's training run instead and does not return: the service
     * starts on the in-process bus and a free loopback port, without workers and tasks, is called
     * over the bus, HTTP and an in-JVM Redis, stops, and the JVM exits.
     *
     * @return the running service
     * @throws ConfigurationException listing every problem found (and when the HTTP port is taken)
     */
    public RunningService start() {
        requireNew();
        started = true;
        if (AotTraining.requested()) {
            train();
        }
        return new RunningService(
                ServiceAssembly.start(settings, files, List.copyOf(services), List.copyOf(registrations), options()));
    }

    private ServiceAssembly.Options options() {
        return ServiceAssembly.Options.defaults().withClock(clock).withEnv(env);
    }

    /**
     * The AOT cache's training run ({@code -Dband.aot.training=true}, set by {@code start_dev}
     * beside {@code -XX:AOTCacheOutput}): the service on the in-process bus, called (over Redis too,
     * to a stand-in in this JVM: {@code AotTraining}), stopped, and the JVM exits (0 when every
     * call over the bus and HTTP was answered as expected, else 1; the calls over Redis only warn;
     * the cache is written as it exits).
     */
    private void train() {
        AotTraining.Result result;
        try {
            result = AotTraining.run(() -> ServiceAssembly.start(
                    AotTraining.settings(settings),
                    files,
                    List.copyOf(services),
                    List.copyOf(registrations),
                    options().withoutJobs()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("AOT training run interrupted", e);
        }
        if (result.complete()) {
            log.info(
                    "AOT training run done: {} calls answered, {} of {} over an in-JVM Redis, in {} ms;"
                            + " the JVM writes the cache as it exits",
                    result.calls(),
                    result.redisAnswered(),
                    result.redisCalls(),
                    result.millis());
        } else {
            log.warn(
                    "AOT training run: only {} of {} calls answered as expected in {} ms",
                    result.answered(),
                    result.calls(),
                    result.millis());
        }
        System.exit(result.complete() ? 0 : 1);
    }

    private void requireNew() {
        if (started) {
            throw new IllegalStateException(
                    "this builder already started a service: register everything before start()");
        }
    }
}
