package org.rockstat.band.internal.runtime;

import java.nio.file.Path;
import java.time.Clock;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.config.RuntimeConfig;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.durable.DurableStream;
import org.rockstat.band.internal.health.Health;
import org.rockstat.band.internal.heartbeat.Heartbeat;
import org.rockstat.band.internal.http.BandRoutes;
import org.rockstat.band.internal.http.CorsPolicy;
import org.rockstat.band.internal.http.HttpEndpoint;
import org.rockstat.band.internal.http.HttpRoutes;
import org.rockstat.band.internal.http.netty.HttpServer;
import org.rockstat.band.internal.jobs.Lifecycle;
import org.rockstat.band.internal.logging.Logging;
import org.rockstat.band.internal.micrometer.ServiceMetrics;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.registry.ServiceModel;
import org.rockstat.band.internal.replica.ReplicaSet;
import org.rockstat.band.internal.rpc.Channels;
import org.rockstat.band.internal.rpc.RpcEndpoint;
import org.rockstat.band.internal.status.StatusMethod;
import org.rockstat.band.internal.transport.RedisTransport;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.internal.transport.TransportOptions;
import org.rockstat.band.internal.transport.Transports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a service is put together and taken apart, used by {@code Band}, the testkit and
 * the benchmarks alike. Start order: every configuration and registration problem found and
 * reported at once, before anything starts; then the transport and the RPC endpoint (so the
 * {@code RpcClient} exists before any call can arrive), HTTP, the heartbeat, workers and tasks.
 * Stop order: heartbeat, RPC (pending calls fail with "shutting down"), transport, HTTP, calls
 * refused, workers and tasks within the grace, cleanups.
 *
 * <pre>{@code
 * ServiceAssembly service = ServiceAssembly.start(settings, List.of(), List.of(new UaService()), List.of());
 * service.ready().join();
 * ...
 * service.stop();
 * }</pre>
 */
public final class ServiceAssembly {
    private static final Logger log = LoggerFactory.getLogger(ServiceAssembly.class);
    /** How long the start-up waits for the transport before saying it does. */
    private static final java.time.Duration WAITING_AFTER = java.time.Duration.ofSeconds(1);
    /** How often a replica tells the others it lives. */
    static final java.time.Duration REPLICA_BEAT = java.time.Duration.ofSeconds(1);
    /** Not heard for this long, a replica is announced gone and its share moves to the others. */
    static final java.time.Duration REPLICA_TIMEOUT = java.time.Duration.ofSeconds(3);

    private final Settings settings;
    private final RuntimeConfig config;
    private final Clock clock;
    private final boolean jobs;
    private final ReentrantLock lock = new ReentrantLock();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile RpcClient client;
    private ServiceModel model;
    private Transport transport;
    private RpcEndpoint endpoint;
    private Dispatcher dispatcher;
    private volatile HttpServer http;
    private Heartbeat heartbeat;
    private Health health;
    private ReplicaSet replicas;
    private DurableStream durable;
    private Lifecycle lifecycle;
    private ServiceMetrics metrics = ServiceMetrics.OFF;
    private CompletableFuture<Void> ready;
    private int httpPort = -1;
    private boolean stopping;

    private ServiceAssembly(Settings settings, RuntimeConfig config, Clock clock, boolean jobs) {
        this.jobs = jobs;
        this.settings = settings;
        this.config = config;
        this.clock = clock;
    }

    /**
     * How a service is started beyond its settings and methods.
     *
     * @param clock tasks are planned by it (its zone is cron's), {@code __status} counts uptime by
     *              it, and methods declaring a {@code Clock} or {@code InstantSource} receive it
     * @param env   the environment the logging variables ({@code LOG_FORMAT}, {@code LOG_LEVEL_LIBS})
     *              are checked in
     * @param jobs  whether workers, tasks and cleanups run (not in the AOT training run: user code
     *              with effects outside stays out of it)
     */
    public record Options(Clock clock, Map<String, String> env, boolean jobs) {
        /** The machine's clock in its zone (cron runs in local time, as Unix cron does), the process's environment, jobs. */
        @SuppressWarnings("JavaTimeDefaultTimeZone")
        public static Options defaults() {
            return new Options(Clock.systemDefaultZone(), System.getenv(), true);
        }

        public Options withClock(Clock clock) {
            return new Options(clock, env, jobs);
        }

        public Options withEnv(Map<String, String> env) {
            return new Options(clock, env, jobs);
        }

        public Options withoutJobs() {
            return new Options(clock, env, false);
        }
    }

    /**
     * Validates everything, then starts the service with {@link Options#defaults()}.
     *
     * @param configFiles   the YAML files read, for the start-up log (empty: defaults only)
     * @param services      annotated instances, or classes with static methods
     * @param registrations plain-code methods, workers, tasks and cleanups
     * @throws org.rockstat.band.config.ConfigurationException listing every problem found
     */
    public static ServiceAssembly start(
            Settings settings,
            List<Path> configFiles,
            List<Object> services,
            List<Consumer<ServiceModel.Builder>> registrations) {
        return start(settings, configFiles, services, registrations, Options.defaults());
    }

    /** Like {@link #start(Settings, List, List, List)}, with other {@link Options}. */
    public static ServiceAssembly start(
            Settings settings,
            List<Path> configFiles,
            List<Object> services,
            List<Consumer<ServiceModel.Builder>> registrations,
            Options options) {
        Clock clock = options.clock();
        Map<String, String> env = options.env();
        boolean jobs = options.jobs();
        long begin = System.nanoTime();
        Problems problems = new Problems();
        RuntimeConfig config = RuntimeConfig.read(settings, problems);
        Transports.check(config.redisDsn(), problems);
        ServiceMetrics.check(config.metrics(), problems);
        Logging.check(env, problems);
        ServiceAssembly assembly = new ServiceAssembly(settings, config, clock, jobs);
        log.info(
                "Starting service '{}' (env {}) in {}; config: {}",
                config.name(),
                config.env(),
                Path.of("").toAbsolutePath(),
                configFiles.isEmpty()
                        ? "defaults only"
                        : configFiles.stream()
                                .map(f -> f.getFileName().toString())
                                .collect(Collectors.joining(" + ")));
        log.info("Effective config: {}", settings.masked());
        ServiceModel.Builder builder = ServiceModel.builder(settings, problems)
                .system(StatusMethod.SPEC, model -> new StatusMethod(config.name(), model, clock))
                .inject(RpcClient.class, () -> assembly.client)
                .inject(Clock.class, () -> clock)
                .inject(InstantSource.class, () -> clock);
        services.forEach(builder::service);
        registrations.forEach(r -> r.accept(builder));
        assembly.model = builder.build();
        assembly.run(begin);
        return assembly;
    }

    private void run(long begin) {
        lock.lock();
        try {
            metrics = ServiceMetrics.start(config);
            transport = Transports.create(
                    config.redisDsn(),
                    config.name(),
                    new TransportOptions(
                            config.rpc().watchdogEvery(),
                            config.rpc().watchdogTimeout(),
                            config.rpc().publishQueue(),
                            java.time.Duration.ofSeconds(5),
                            config.rpc().maxInbox(),
                            config.redisTls()));
            log.info("Transport: {}", transport.description());
            endpoint = new RpcEndpoint(config.name(), transport, config.rpc().maxMessageBytes(), metrics);
            client = endpoint.client();
            // front awaits an aliased enricher's answer from the alias (PROTOCOL §7)
            model.enricher()
                    .map(enricher -> enricher.spec().alias())
                    .ifPresent(alias -> endpoint.answerAs(org.rockstat.band.method.MethodSpec.ENRICH, alias));
            dispatcher = new Dispatcher(
                    model,
                    Dispatcher.Options.defaults()
                            .withLimits(new Dispatcher.Limits(
                                    config.rpc().maxInFlight(),
                                    config.rpc().maxQueued(),
                                    config.rpc().maxAbandoned()))
                            .withProduction(config.isProduction())
                            .withLogCalls(config.logs().rpcCalls())
                            .withNonBlockingWarn(config.rpc().nonBlockingWarn())
                            .withMetrics(metrics));
            metrics.watch(dispatcher, transport);
            Set<String> channels = Channels.of(model, config);
            replicas = new ReplicaSet(config.name(), transport, REPLICA_BEAT, REPLICA_TIMEOUT);
            endpoint.replicas(replicas);
            startDurable();
            CompletableFuture<Void> subscribed = endpoint.start(channels, dispatcher);
            CompletableFuture<Void> joined = replicas.start(subscribed);
            ready = CompletableFuture.allOf(subscribed, joined);
            Dispatcher calls = dispatcher;
            ReplicaSet members = replicas;
            health = new Health(
                    transport, () -> http != null && http.accepting(), calls::isDraining, members::membership);
            HttpEndpoint httpEndpoint = new HttpEndpoint(
                    dispatcher,
                    HttpRoutes.of(model),
                    health.addTo(BandRoutes.builder()).build(),
                    new CorsPolicy(config.http().corsOrigins()),
                    metrics.prometheus() ? metrics::scrape : null,
                    config.logs().httpAccess());
            http = new HttpServer(
                    httpEndpoint,
                    new HttpServer.Limits(
                            config.http().maxBodyBytes(),
                            config.http().maxBuffered(),
                            config.http().maxConnections(),
                            config.http().requestTimeout(),
                            config.http().idleTimeout()));
            try {
                httpPort = http.start(config.listen().host(), config.listen().port());
            } catch (HttpServer.BindFailure e) {
                stopLocked();
                Problems problems = new Problems();
                problems.add(
                        "Cannot listen for HTTP on " + config.listen().text() + " (" + e.getMessage() + ")",
                        org.rockstat.band.internal.problem.Problems.Where.setting("listen"),
                        "stop the other process using the port, or choose another one: set PORT (config.yaml's"
                                + " listen reads {{PORT}} in the Rockstat services) or change 'listen'");
                problems.throwIfAny();
            }
            heartbeat = new Heartbeat(
                    config.name(),
                    transport,
                    config.rpc().heartbeatDelay(),
                    config.rpc().heartbeatEvery(),
                    metrics);
            // director asks __status after a heartbeat: only once this replica knows who answers it
            joined.thenRun(heartbeat::start);
            lifecycle = new Lifecycle(clock, metrics);
            if (jobs) {
                // the jobs' first runs wait for the service to be ready: they may call other services
                lifecycle.start(model.workers(), model.tasks(), model.cleanups(), ready);
            } else {
                lifecycle.start(List.of(), List.of(), List.of());
            }
            announceReady(begin, channels);
        } catch (RuntimeException e) {
            stopLocked();
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The ready line, once the service is really ready (subscribed: the transport proved it
     * hears); when that takes longer than {@link #WAITING_AFTER}, a line first says what it waits for.
     */
    private void announceReady(long begin, Set<String> channels) {
        CompletableFuture.delayedExecutor(WAITING_AFTER.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .execute(() -> {
                    if (!ready.isDone() && !draining()) {
                        log.info(
                                "Service '{}': HTTP on {}:{}; waiting for {} ({}) before it is ready",
                                config.name(),
                                config.listen().host(),
                                httpPort,
                                transport.peerName(),
                                transport.description());
                    }
                });
        ready.thenRun(() -> {
            if (draining()) {
                return;
            }
            log.info(
                    "Service '{}' ready in {} ms: HTTP on {}:{}, {} on channels {}; methods: {}, listeners: {}, workers: {}, tasks: {}",
                    config.name(),
                    (System.nanoTime() - begin) / 1_000_000,
                    config.listen().host(),
                    httpPort,
                    transport.description(),
                    channels,
                    model.userMethodCount(),
                    model.listeners().size(),
                    model.workers().size(),
                    model.tasks().size());
        });
    }

    private boolean draining() {
        return dispatcher.isDraining();
    }

    /** Stops gracefully: no new calls, workers and tasks end, cleanups run. Idempotent. */
    public void stop() {
        lock.lock();
        try {
            stopLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The drain: no new work (director hears no more heartbeats, {@code enrich} and
     * {@code broadcast} are left, HTTP stops accepting, new calls are answered "shutting down"),
     * calls in flight finish within the grace, the ones that cannot are answered with an error,
     * then workers and tasks stop, cleanups run, and Redis is closed last.
     */
    private void stopLocked() {
        if (stopping) {
            return;
        }
        stopping = true;
        long begin = System.nanoTime();
        long deadline = begin + config.shutdownGrace().toNanos();
        log.info(
                "Stopping service '{}': draining, up to {} ms",
                config.name(),
                config.shutdownGrace().toMillis());
        if (replicas != null) {
            leaveReplicas(deadline);
        }
        if (durable != null) {
            // what runs from the stream finishes and is acknowledged; the rest is claimed by the others
            durable.close(java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        if (dispatcher != null) {
            dispatcher.drain();
        }
        if (heartbeat != null) {
            heartbeat.close();
        }
        if (endpoint != null) {
            java.util.Set<String> leaving = new java.util.LinkedHashSet<>(endpoint.channels());
            leaving.remove(config.name());
            await(endpoint.leave(leaving), java.time.Duration.ofSeconds(1));
        }
        if (http != null) {
            http.stopAccepting();
        }
        if (dispatcher != null) {
            try {
                if (!dispatcher.awaitIdle(java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    int answered = dispatcher.abortAll("Service is shutting down, try again later");
                    log.warn(
                            "{} call(s) still running after the {} ms grace were answered 'shutting down' and interrupted",
                            answered,
                            config.shutdownGrace().toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                dispatcher.abortAll("Service is shutting down, try again later");
            }
            awaitPublished(java.time.Duration.ofSeconds(2));
        }
        if (lifecycle != null) {
            lifecycle.stop(java.time.Duration.ofNanos(
                    Math.max(java.time.Duration.ofSeconds(1).toNanos(), deadline - System.nanoTime())));
        }
        if (endpoint != null) {
            endpoint.close();
        }
        if (replicas != null) {
            replicas.close();
        }
        if (transport != null) {
            transport.close();
        }
        if (http != null) {
            http.stop();
        }
        if (dispatcher != null) {
            dispatcher.close();
        }
        metrics.close();
        log.info("Service '{}' stopped in {} ms", config.name(), (System.nanoTime() - begin) / 1_000_000);
        stopped.countDown();
    }

    /**
     * Feeds the durable listeners from the service's Redis Stream (docs/durable.md); nothing at all
     * without a durable listener. The in-process bus has no stream: they run as plain listeners.
     */
    private void startDurable() {
        if (!dispatcher.hasDurableListeners()) {
            return;
        }
        if (transport instanceof RedisTransport redis) {
            durable = new DurableStream(
                    config.name(), replicas.id(), redis::connectDedicated, config.durable(), dispatcher);
            endpoint.durable(durable);
            durable.start();
            metrics.watch(durable.stats());
        } else {
            log.info(
                    "Durable listeners run as plain listeners on {} (no Redis Stream): an event being processed at"
                            + " a crash is lost",
                    transport.description());
        }
    }

    /**
     * Tells the other replicas that this one leaves, and hands what it still owns (everything
     * Redis delivered before the announcement) to the dispatcher before it stops taking calls:
     * the others take the rest, nothing is lost or run twice.
     */
    private void leaveReplicas(long deadline) {
        // until our leave is back, what arrives may still be ours: the drain must not refuse it. A leave
        // not back by the time the others would time us out (we no longer beat) found no connection
        java.util.concurrent.CompletableFuture<Void> left = replicas.leave();
        await(left, REPLICA_TIMEOUT.plus(REPLICA_BEAT));
        if (!left.isDone()) {
            log.warn(
                    "The other replicas did not confirm that this one leaves within {} ms: what it still owns and"
                            + " receives from now on is answered 'shutting down'; they take over when they time it out",
                    REPLICA_TIMEOUT.plus(REPLICA_BEAT).toMillis());
        }
        try {
            if (!endpoint.awaitArrived(java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                log.warn("Messages received before leaving the replicas were still not handled when the grace ended");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until the answers of the drained calls are taken by Redis: an answer completed by
     * {@code abortAll} still has to be written, queued and flushed, and on a loaded machine that
     * takes longer than an empty queue suggests (the queue can be empty before it is filled).
     */
    private void awaitPublished(java.time.Duration within) {
        try {
            if (endpoint != null && !endpoint.awaitAnswered(within)) {
                log.warn("Some answers were still not taken by Redis {} ms after the drain", within.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(java.util.concurrent.CompletableFuture<?> future, java.time.Duration within) {
        try {
            future.get(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.debug("Leaving channels: {}", e.toString());
        }
    }

    /** Blocks until {@link #stop()} has finished. */
    public void await() throws InterruptedException {
        stopped.await();
    }

    /** The loaded settings. */
    public Settings settings() {
        return settings;
    }

    /** The typed runtime configuration. */
    public RuntimeConfig config() {
        return config;
    }

    /** The client for calling other services. */
    public RpcClient client() {
        return client;
    }

    /** Completes once every channel is subscribed (at once for the in-process transport). */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** The bound HTTP port. */
    public int httpPort() {
        return httpPort;
    }

    /** Our calls waiting for responses. */
    public int pendingCalls() {
        return endpoint.pendingCalls();
    }

    /** What runs the calls: the AOT training run serves them over a second transport too. */
    Dispatcher dispatcher() {
        return dispatcher;
    }

    /** Calls running now. */
    public int inFlight() {
        return dispatcher.inFlight();
    }

    /** The subscribed channels. */
    public Set<String> channels() {
        return endpoint.channels();
    }

    /** Workers and tasks: run a task now, know when a worker started (for tests and tools). */
    public Lifecycle lifecycle() {
        return lifecycle;
    }

    /** Liveness and readiness ({@code /__health/...}), for the testkit and tools. */
    public Health health() {
        return health;
    }

    /** The stream feeding the durable listeners; null without one (or on the in-process bus). */
    public DurableStream durable() {
        return durable;
    }

    /** The replicas of this service as this one sees them. */
    public ReplicaSet replicas() {
        return replicas;
    }

    /** The transport, for the runtime's own tests and health reporting. */
    public Transport transport() {
        return transport;
    }
}
