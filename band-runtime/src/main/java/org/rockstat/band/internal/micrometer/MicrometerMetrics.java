package org.rockstat.band.internal.micrometer;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.statsd.StatsdConfig;
import io.micrometer.statsd.StatsdFlavor;
import io.micrometer.statsd.StatsdMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import org.rockstat.band.internal.config.RuntimeConfig;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.durable.DurableStream;
import org.rockstat.band.internal.metrics.CallMeter;
import org.rockstat.band.internal.metrics.Outcome;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.internal.transport.TransportListener;
import org.rockstat.band.internal.transport.TransportState;
import org.rockstat.band.method.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Band's meters in Micrometer, the only class that touches it: a Prometheus registry, a StatsD
 * registry, or both behind a composite. Every meter is named and tagged here (README, Metrics,
 * lists them); tags are few-valued (method, role, transport, outcome, service, reason, job), never
 * a value a caller sends. Meters are looked up once per method, transport and outcome and kept,
 * so recording a call is a couple of array reads and the registry's own update.
 */
final class MicrometerMetrics implements ServiceMetrics {
    private static final Logger log = LoggerFactory.getLogger(MicrometerMetrics.class);
    /** Latency buckets for Prometheus histograms: front waits 200 ms, handlers rarely more than seconds. */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(200),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10)
    };

    private static final Outcome[] OUTCOMES = Outcome.values();

    private final MeterRegistry registry;
    private final PrometheusMeterRegistry prometheus;
    private final List<MeterRegistry> children;
    private final List<AutoCloseable> binders = new ArrayList<>();
    private final ConcurrentMap<String, Counter> drops = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ConcurrentMap<String, ByOutcome>> outgoing = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, JobMeters> jobs = new ConcurrentHashMap<>();
    private final Timer heartbeatInterval;
    private final AtomicLong lastHeartbeatNanos = new AtomicLong();

    private MicrometerMetrics(List<MeterRegistry> children, PrometheusMeterRegistry prometheus) {
        this.children = children;
        this.prometheus = prometheus;
        this.registry = children.size() == 1 ? children.get(0) : new CompositeMeterRegistry(Clock.SYSTEM, children);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        heartbeatInterval = Timer.builder("band.heartbeat.interval")
                .description("Time between two heartbeats actually sent to director")
                .register(registry);
        Gauge.builder("band.heartbeat.since.last", lastHeartbeatNanos, last -> {
                    long at = last.get();
                    return at == 0 ? Double.NaN : (System.nanoTime() - at) / 1e9;
                })
                .description("Seconds since the last heartbeat sent (none while not connected)")
                .baseUnit("seconds")
                .strongReference(true)
                .register(registry);
    }

    /** The registries {@code config} asks for, tagged with the service's name and env. */
    static MicrometerMetrics start(RuntimeConfig config) {
        RuntimeConfig.Metrics metrics = config.metrics();
        List<MeterRegistry> children = new ArrayList<>();
        PrometheusMeterRegistry prometheus = null;
        if (metrics.prometheus()) {
            prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            prometheus.config().meterFilter(histograms());
            children.add(prometheus);
        }
        StatsdSender sender = null;
        if (metrics.statsd()) {
            sender = StatsdSender.start(metrics.statsdHost(), metrics.statsdPort(), metrics.statsdInterval());
            children.add(StatsdMeterRegistry.builder(statsd(metrics))
                    .clock(Clock.SYSTEM)
                    .lineSink(sender)
                    .build());
            log.info(
                    "Metrics: StatsD ({}) to {}:{} over UDP",
                    metrics.statsdFlavor(),
                    metrics.statsdHost(),
                    metrics.statsdPort());
        }
        for (MeterRegistry child : children) {
            child.config().commonTags("service", config.name(), "env", config.env());
        }
        if (prometheus != null) {
            log.info("Metrics: Prometheus at GET /__metrics");
        }
        MicrometerMetrics started = new MicrometerMetrics(children, prometheus);
        if (sender != null) {
            started.binders.add(sender); // closed after the registries: their last lines go out
        }
        return started;
    }

    /** Histogram buckets for Band's timers, for Prometheus only: StatsD's server makes its own. */
    private static MeterFilter histograms() {
        double[] slos = new double[BUCKETS.length];
        for (int i = 0; i < BUCKETS.length; i++) {
            slos[i] = BUCKETS[i].toNanos();
        }
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getType() == Meter.Type.TIMER && id.getName().startsWith("band.")) {
                    return DistributionStatisticConfig.builder()
                            .serviceLevelObjectives(slos)
                            .build()
                            .merge(config);
                }
                return config;
            }
        };
    }

    /** The registry's settings; where lines go is {@link StatsdSender}'s business, not the registry's. */
    private static StatsdConfig statsd(RuntimeConfig.Metrics metrics) {
        StatsdFlavor flavor = StatsdFlavor.valueOf(metrics.statsdFlavor().toUpperCase(Locale.ROOT));
        return new StatsdConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public StatsdFlavor flavor() {
                return flavor;
            }

            @Override
            public Duration pollingFrequency() {
                return metrics.statsdInterval();
            }

            @Override
            public Duration step() {
                return metrics.statsdInterval();
            }
        };
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public CallMeter calls(String method, Role role) {
        return new MethodMeter(Tags.of("method", method, "role", role == null ? "none" : tag(role)));
    }

    private static String tag(Role role) {
        return role.name().toLowerCase(Locale.ROOT);
    }

    /** Timers that differ only by outcome, each registered when first needed. */
    private final class ByOutcome {
        private final String name;
        private final String description;
        private final Tags tags;
        private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(OUTCOMES.length);

        ByOutcome(String name, String description, Tags tags) {
            this.name = name;
            this.description = description;
            this.tags = tags;
        }

        // the array is indexed by outcome in this process only, never stored or sent
        @SuppressWarnings("EnumOrdinal")
        void record(Outcome outcome, long nanos) {
            Timer timer = timers.get(outcome.ordinal());
            if (timer == null) {
                // two threads may both register: the registry answers the same timer to both
                timer = Timer.builder(name)
                        .description(description)
                        .tags(tags)
                        .tag("outcome", outcome.tag())
                        .register(registry);
                timers.set(outcome.ordinal(), timer);
            }
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * One method's call timers, by transport and outcome. A service has one to three transports
     * ({@code http}, {@code redis} or {@code memory}), so they are found by a scan of a tiny array,
     * the same constant string almost always, rather than by hashing on every call.
     */
    private final class MethodMeter implements CallMeter {
        private final Tags tags;
        private final ReentrantLock adding = new ReentrantLock();
        private volatile Transports known = new Transports(new String[0], new ByOutcome[0]);

        MethodMeter(Tags tags) {
            this.tags = tags;
        }

        @Override
        public void record(String transport, Outcome outcome, long nanos) {
            Transports seen = known;
            for (int i = 0; i < seen.names.length; i++) {
                if (seen.names[i].equals(transport)) {
                    seen.timers[i].record(outcome, nanos);
                    return;
                }
            }
            add(transport).record(outcome, nanos);
        }

        private ByOutcome add(String transport) {
            adding.lock();
            try {
                Transports seen = known;
                for (int i = 0; i < seen.names.length; i++) {
                    if (seen.names[i].equals(transport)) {
                        return seen.timers[i];
                    }
                }
                ByOutcome timers = new ByOutcome(
                        "band.calls",
                        "Calls to the service's methods over HTTP and RPC, from arrival to answer",
                        tags.and("transport", transport));
                int n = seen.names.length;
                String[] names = Arrays.copyOf(seen.names, n + 1);
                ByOutcome[] all = Arrays.copyOf(seen.timers, n + 1);
                names[n] = transport;
                all[n] = timers;
                known = new Transports(names, all);
                return timers;
            } finally {
                adding.unlock();
            }
        }
    }

    /** The transports a method was called over so far and their timers, never changed once published. */
    @SuppressWarnings("ArrayRecordComponent") // private, and never changed once made
    private record Transports(String[] names, ByOutcome[] timers) {}

    @Override
    public void dropped(String reason) {
        Counter counter = drops.get(reason);
        if (counter == null) {
            counter = drops.computeIfAbsent(
                    reason,
                    r -> Counter.builder("band.dropped")
                            .description("Messages and calls dropped or refused, by reason")
                            .tag("reason", r)
                            .register(registry));
        }
        counter.increment();
    }

    @Override
    public void outgoing(String service, String method, Outcome outcome, long nanos) {
        outgoing.computeIfAbsent(service, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(
                        method,
                        m -> new ByOutcome(
                                "band.client.calls",
                                "Our own calls to other services (RpcClient), until answer, error or timeout",
                                Tags.of("target", service, "method", m)))
                .record(outcome, nanos);
    }

    @Override
    public void heartbeatSent(long sinceLastNanos) {
        lastHeartbeatNanos.set(System.nanoTime());
        if (sinceLastNanos > 0) {
            heartbeatInterval.record(sinceLastNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** One job's run timers and the time of its last success. */
    private record JobMeters(Timer ok, Timer failed, AtomicLong lastSuccessMillis) {}

    @Override
    public void jobRan(String kind, String name, boolean ok, long nanos) {
        JobMeters meters = jobs.computeIfAbsent(kind + " " + name, key -> {
            Tags tags = Tags.of("kind", kind, "job", name);
            AtomicLong last = new AtomicLong();
            Gauge.builder("band.job.last.success", last, l -> l.get() == 0 ? Double.NaN : l.get() / 1000.0)
                    .description("When the job last ended without failing, in seconds since the epoch")
                    .tags(tags)
                    .baseUnit("seconds")
                    .strongReference(true)
                    .register(registry);
            return new JobMeters(jobTimer(tags, "ok"), jobTimer(tags, "error"), last);
        });
        (ok ? meters.ok() : meters.failed()).record(nanos, TimeUnit.NANOSECONDS);
        if (ok) {
            meters.lastSuccessMillis().set(System.currentTimeMillis());
        }
    }

    private Timer jobTimer(Tags tags, String outcome) {
        return Timer.builder("band.job.runs")
                .description("Worker and task runs, how long each took and whether it failed")
                .tags(tags)
                .tag("outcome", outcome)
                .register(registry);
    }

    @Override
    public void watch(Dispatcher dispatcher, Transport transport) {
        for (Dispatcher.Capacity capacity : dispatcher.capacities()) {
            Tags tags = Tags.of("method", capacity.method(), "role", tag(capacity.role()));
            Gauge.builder("band.bulkhead.running", capacity, c -> c.running().getAsInt())
                    .description("Calls of the method running now, counted against rpc.max_in_flight")
                    .tags(tags)
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("band.bulkhead.queued", capacity, c -> c.queued().getAsInt())
                    .description("Calls of the method waiting their turn, against rpc.max_queued")
                    .tags(tags)
                    .strongReference(true)
                    .register(registry);
        }
        Tags tags = Tags.of("transport", transport.kind());
        Gauge.builder("band.transport.connected", transport, t -> t.isConnected() ? 1 : 0)
                .description("1 while the transport publishes and its subscription is proven, else 0")
                .tags(tags)
                .strongReference(true)
                .register(registry);
        Counter reconnects = Counter.builder("band.transport.reconnects")
                .description("Times the transport came back after losing its connection")
                .tags(tags)
                .register(registry);
        transport.addListener(new TransportListener() {
            @Override
            public void stateChanged(TransportState from, TransportState to) {
                if (from == TransportState.RECONNECTING && to == TransportState.CONNECTED) {
                    reconnects.increment();
                }
            }
        });
        FunctionCounter.builder(
                        "band.transport.watchdog.failures",
                        transport,
                        t -> t.stats().deafSessions())
                .description("Subscriptions the watchdog found deaf (its canary did not come back)")
                .tags(tags)
                .register(registry);
        FunctionCounter.builder(
                        "band.transport.sessions.ended",
                        transport,
                        t -> t.stats().sessionsEnded())
                .description("Connections lost or torn down")
                .tags(tags)
                .register(registry);
        FunctionCounter.builder(
                        "band.transport.publish.failures",
                        transport,
                        t -> t.stats().publishFailures())
                .description("Messages that could not be published")
                .tags(tags)
                .register(registry);
        Gauge.builder("band.transport.outbox", transport, t -> t.stats().queued())
                .description("Messages waiting to be published, against rpc.publish_queue")
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    @Override
    public void watch(DurableStream.Stats durable) {
        counter(
                "band.durable.appended",
                durable,
                DurableStream.Stats::appended,
                "Events this replica appended to the service's stream");
        counter(
                "band.durable.appended.before",
                durable,
                DurableStream.Stats::appendedBefore,
                "Appends skipped: the event id was in the stream already (another replica appended it)");
        counter(
                "band.durable.append.failures",
                durable,
                DurableStream.Stats::appendFailures,
                "Events Redis did not take: their durable listeners ran at once, without retries");
        counter(
                "band.durable.processed",
                durable,
                DurableStream.Stats::processed,
                "Stream entries whose durable listeners returned, acknowledged");
        counter(
                "band.durable.failed",
                durable,
                DurableStream.Stats::failed,
                "Runs of durable listeners that threw (the entry is retried)");
        counter(
                "band.durable.claimed",
                durable,
                DurableStream.Stats::claimed,
                "Entries taken over after durable.claim_idle_ms unacknowledged");
        counter(
                "band.durable.dead",
                durable,
                DurableStream.Stats::deadLettered,
                "Entries moved to the dead-letter stream after durable.max_deliveries runs");
        counter(
                "band.durable.lost.trimmed",
                durable,
                DurableStream.Stats::lostToTrim,
                "Entries trimmed (durable.max_len) before they ran (unread, or pending a retry or a claim): events lost");
        Gauge.builder("band.durable.stream.length", durable, DurableStream.Stats::length)
                .description("XLEN of the service's event stream at the latest sweep, against durable.max_len")
                .strongReference(true)
                .register(registry);
    }

    private void counter(
            String name,
            DurableStream.Stats durable,
            java.util.function.ToDoubleFunction<DurableStream.Stats> value,
            String description) {
        FunctionCounter.builder(name, durable, value).description(description).register(registry);
    }

    @Override
    public boolean prometheus() {
        return prometheus != null;
    }

    @Override
    public String scrape() {
        if (prometheus == null) {
            throw new IllegalStateException("Prometheus is off");
        }
        return prometheus.scrape();
    }

    @Override
    public void close() {
        registry.close();
        for (MeterRegistry child : children) {
            child.close();
        }
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                log.debug("Closing a metrics binder: {}", e.toString());
            }
        }
    }
}
