package org.rockstat.band.internal.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.rockstat.band.call.Call;
import org.rockstat.band.call.CallContext;
import org.rockstat.band.call.Params;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.internal.concurrent.Futures;
import org.rockstat.band.internal.config.RuntimeConfig;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.metrics.BandMetrics;
import org.rockstat.band.internal.metrics.CallMeter;
import org.rockstat.band.internal.metrics.Outcome;
import org.rockstat.band.internal.registry.MethodDef;
import org.rockstat.band.internal.registry.ServiceModel;
import org.rockstat.band.internal.report.Drops;
import org.rockstat.band.internal.report.RateLimitedLog;
import org.rockstat.band.internal.report.WireText;
import org.rockstat.band.internal.trace.CallScope;
import org.rockstat.band.internal.trace.Trace;
import org.rockstat.band.method.MethodSpec;
import org.rockstat.band.method.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a decoded call becomes a result, shared by every transport (HTTP, Redis,
 * in-memory). Each call runs on a virtual thread, so service code may block.
 *
 * <p>Capacity is partitioned: every method (each listener too) has a {@link Bulkhead} of its own,
 * {@link Limits#maxRunning} calls running and {@link Limits#maxQueued} waiting, so a slow method
 * fills its own and never starves the rest; Band's system methods ({@code __status}) run outside
 * any bulkhead, even under load and while shutting down. Notifications (broadcast events) wait
 * their turn rather than being refused; whatever is refused is counted and logged ({@link Drops}).
 *
 * <p>Front's wait is known (PROTOCOL §7: the handler's {@code timeout}, else 200 ms; 200 ms for
 * the enricher). A call from front that is still waiting in its queue when that wait is over is
 * shed: answered with an error without running, since nobody reads the answer. A call from front
 * still running when the wait is over is moved out of its bulkhead's running count (up to
 * {@link Limits#maxAbandoned} per method), so it cannot hold the capacity new calls need; it runs
 * to its end, and its late answer is still sent. A handler's own {@code timeout} interrupts it.
 *
 * <p>The returned future completes with the method's result or fails with an {@link RpcException}
 * carrying the JSON-RPC code. An unexpected exception is logged once with its stack trace and an
 * error id; in production the caller gets only {@code "Internal error (id ...)"}, so nothing
 * private reaches a visitor through front.
 *
 * <p>Every call's end is told to the metrics here, the one place its outcome is known, over every
 * transport: ok, error, invalid, overloaded, shed, timeout, unavailable (see {@link Outcome}).
 * With metrics off ({@link BandMetrics#NOOP}) not even the time is taken.
 *
 * <p>Each call runs inside a {@link CallScope}: its log lines carry the call id, caller, method,
 * event key and trace ids, and an {@code RpcClient} call it makes continues its trace. With the
 * call log on, every call that did not come over HTTP (which has its own access log) ends with
 * one INFO line on {@code org.rockstat.band.calls}: method, caller, outcome, duration.
 *
 * <p>A method declared non-blocking ({@link MethodSpec#withBlocking}{@code (false)}) that may run at
 * once runs on the calling thread, whatever {@code onCallerThread} says: over HTTP that is the
 * event loop that read the request, which spares the hop to a virtual thread and back. It goes
 * through the same bulkhead, timeout, metrics, call log, scope and error answers as any other
 * call; only its thread differs, and a timeout answers it without interrupting that thread (it
 * belongs to the transport). One that had to wait its turn in its bulkhead runs on a virtual
 * thread when the turn comes. Two runs in a row of its own code longer than
 * {@link Options#nonBlockingWarn} (its first call aside: classes load and code is cold; one slow run
 * alone may be a GC pause or a busy machine) are a broken promise that stalls the thread it runs
 * on, and are logged at WARN, one line per method per minute with a count:
 *
 * <pre>{@code
 * Method 'ping' (PingService.ping) is declared blocking = false but ran 52 ms on thread band-http-2-1,
 * the second run in a row longer than rpc.nonblocking_warn_ms (10 ms): it holds up every call ...
 * }</pre>
 */
public final class Dispatcher implements AutoCloseable {
    /** Front's wait for a handler without {@code timeout}, and for enrichers (PROTOCOL §7). */
    public static final Duration FRONT_WAIT = Duration.ofMillis(200);
    /** The caller name front uses. */
    public static final String FRONT = "front";
    /** The {@code method} tag of calls to no known method: the name a caller sent is not a tag value. */
    public static final String UNKNOWN_METHOD = "__unknown";
    /** The transport name of calls to the service's own HTTP endpoint, which the access log covers. */
    public static final String HTTP = "http";

    private static final String SHED = "Shed: ";

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /** The call log's logger: one line per call when {@code rpc.call_log} is on. */
    public static final String CALL_LOG = "org.rockstat.band.calls";

    private static final Logger callLog = LoggerFactory.getLogger(CALL_LOG);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Capacity of each method.
     *
     * @param maxRunning   calls running at once per method
     * @param maxQueued    calls waiting per method; more are refused as overloaded
     * @param maxAbandoned calls per method still running after front stopped waiting, outside the
     *                     running count
     */
    public record Limits(int maxRunning, int maxQueued, int maxAbandoned) {}

    private final ServiceModel model;
    private final boolean production;
    private final Map<String, Bulkhead> bulkheads = new LinkedHashMap<>();
    private final Map<MethodDef, Bulkhead> listenerBulkheads = new LinkedHashMap<>();
    private final ThreadFactory threads =
            Thread.ofVirtual().name("band-call-", 0).factory();
    private final ScheduledExecutorService timer;
    private final Drops drops;
    private final LongSupplier nanoClock;
    private final boolean measuring;
    private final CallMeter unknownMeter;
    private final boolean logCalls;
    private final boolean everyReplicaListeners;
    private final boolean durableListeners;
    /** Methods whose calls never block the submitting thread ({@link #runsWhereReceived}). */
    private final java.util.Set<String> nonBlockingMethods;
    /** Set once the service's stream feeds the durable listeners: the broadcast path skips them then. */
    private volatile boolean durableFromStream;

    private volatile boolean draining;

    /** Non-blocking methods whose code ran longer than {@link #nonBlockingWarnNanos}: one line per method per minute. */
    private final RateLimitedLog blocked = new RateLimitedLog(log, BLOCKED_LOG_INTERVAL);

    private final long nonBlockingWarnNanos;
    private final Duration nonBlockingWarn;

    /** How often a non-blocking method found running long is logged again (with a count of the others). */
    public static final Duration BLOCKED_LOG_INTERVAL = Duration.ofMinutes(1);
    /** The default of {@code rpc.nonblocking_warn_ms}. */
    public static final Duration DEFAULT_NONBLOCKING_WARN =
            Duration.ofMillis(RuntimeConfig.DEFAULT_NONBLOCKING_WARN_MS);

    /**
     * How a dispatcher runs its calls; {@link #defaults()} and the {@code with...} methods change one
     * setting each.
     *
     * <pre>{@code
     * Dispatcher.Options options = Dispatcher.Options.defaults()
     *         .withLimits(new Dispatcher.Limits(200, 10_000, 1_000))
     *         .withProduction(true)
     *         .withMetrics(metrics);
     * Dispatcher dispatcher = new Dispatcher(model, options);
     * }</pre>
     *
     * @param limits     each method's capacity
     * @param production true: an unexpected failure answers only {@code "Internal error (id ...)"}
     * @param logCalls   one INFO line per call not over HTTP ({@code rpc.call_log})
     * @param metrics    where calls and drops are told ({@link BandMetrics#NOOP}: nowhere, and not measured)
     * @param nanoClock  the clock a call's wait is measured by ({@code System::nanoTime}; tests move it by hand)
     * @param nonBlockingWarn a non-blocking method whose code runs longer than this is logged at WARN
     *                   ({@code rpc.nonblocking_warn_ms})
     */
    public record Options(
            Limits limits,
            boolean production,
            boolean logCalls,
            BandMetrics metrics,
            LongSupplier nanoClock,
            Duration nonBlockingWarn) {
        /** The defaults of {@code rpc.max_in_flight}, {@code max_queued} and {@code max_abandoned}. */
        public static final Limits DEFAULT_LIMITS = new Limits(
                RuntimeConfig.DEFAULT_MAX_IN_FLIGHT,
                RuntimeConfig.DEFAULT_MAX_QUEUED,
                RuntimeConfig.DEFAULT_MAX_ABANDONED);

        /** The default limits, development answers, no call log, no metrics, {@code System::nanoTime}. */
        public static Options defaults() {
            return new Options(
                    DEFAULT_LIMITS, false, false, BandMetrics.NOOP, System::nanoTime, DEFAULT_NONBLOCKING_WARN);
        }

        /** These options with {@code limits}. */
        public Options withLimits(Limits limits) {
            return new Options(limits, production, logCalls, metrics, nanoClock, nonBlockingWarn);
        }

        /**
         * These options with {@code maxRunning} calls running per method and the default queue and
         * abandoned counts.
         */
        public Options withMaxRunning(int maxRunning) {
            return withLimits(new Limits(maxRunning, DEFAULT_LIMITS.maxQueued(), DEFAULT_LIMITS.maxAbandoned()));
        }

        /** These options with production answers on or off. */
        public Options withProduction(boolean production) {
            return new Options(limits, production, logCalls, metrics, nanoClock, nonBlockingWarn);
        }

        /** These options with the call log on or off. */
        public Options withLogCalls(boolean logCalls) {
            return new Options(limits, production, logCalls, metrics, nanoClock, nonBlockingWarn);
        }

        /** These options telling calls and drops to {@code metrics}. */
        public Options withMetrics(BandMetrics metrics) {
            return new Options(limits, production, logCalls, metrics, nanoClock, nonBlockingWarn);
        }

        /** These options warning about a non-blocking method whose code runs longer than {@code threshold}. */
        public Options withNonBlockingWarn(Duration threshold) {
            return new Options(limits, production, logCalls, metrics, nanoClock, threshold);
        }

        /** These options measuring waits by {@code nanoClock}. */
        public Options withNanoClock(LongSupplier nanoClock) {
            return new Options(limits, production, logCalls, metrics, nanoClock, nonBlockingWarn);
        }
    }

    /** A dispatcher over a frozen model. */
    public Dispatcher(ServiceModel model, Options options) {
        Limits limits = options.limits();
        BandMetrics metrics = options.metrics();
        this.nanoClock = options.nanoClock();
        this.logCalls = options.logCalls();
        this.nonBlockingWarn = options.nonBlockingWarn();
        this.nonBlockingWarnNanos = options.nonBlockingWarn().toNanos();
        this.model = model;
        this.everyReplicaListeners =
                model.listeners().stream().anyMatch(l -> l.spec().everyReplica());
        this.durableListeners =
                model.listeners().stream().anyMatch(l -> l.spec().durable());
        java.util.Set<String> nonBlocking = new java.util.HashSet<>();
        for (MethodDef def : model.inRegistrationOrder()) {
            if (!def.system() && !def.spec().blocking() && def.spec().role() != Role.LISTENER) {
                nonBlocking.add(def.name());
            }
        }
        if (!model.listeners().isEmpty()
                && !durableListeners
                && model.listeners().stream().noneMatch(l -> l.spec().blocking())) {
            nonBlocking.add(MethodSpec.BROADCAST);
        }
        this.nonBlockingMethods = java.util.Set.copyOf(nonBlocking);
        this.production = options.production();
        this.drops = new Drops(log, Duration.ofSeconds(10), metrics);
        this.measuring = metrics.enabled();
        this.unknownMeter = metrics.calls(UNKNOWN_METHOD, null);
        for (MethodDef def : model.inRegistrationOrder()) {
            if (def.system()) {
                continue;
            }
            Bulkhead bulkhead = new Bulkhead(
                    def.source(),
                    limits.maxRunning(),
                    limits.maxQueued(),
                    limits.maxAbandoned(),
                    metrics.calls(meterName(def), def.spec().role()));
            if (def.spec().role() == Role.LISTENER) {
                listenerBulkheads.put(def, bulkhead);
            } else {
                bulkheads.put(def.name(), bulkhead);
            }
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("band-timeouts").factory());
    }

    /** A method's {@code method} tag: its wire name, or for a listener (all are {@code broadcast}) its source. */
    private static String meterName(MethodDef def) {
        return def.spec().role() == Role.LISTENER ? def.source() : def.name();
    }

    /** Calls counted as running now, over every method. */
    public int inFlight() {
        int n = 0;
        for (Bulkhead b : allBulkheads()) {
            n += b.running();
        }
        return n;
    }

    /** Calls running, waiting and abandoned, per method ({@code source} names the method). */
    public List<Load> load() {
        List<Load> out = new ArrayList<>();
        for (Bulkhead b : allBulkheads()) {
            out.add(new Load(b.name, b.running(), b.queued(), b.abandoned()));
        }
        return out;
    }

    /**
     * One bulkhead's load.
     *
     * @param source    the method ({@code SkeletonService.main}, {@code handler 'ping'})
     * @param running   calls counted as running
     * @param queued    calls waiting
     * @param abandoned calls still running after their caller stopped waiting
     */
    public record Load(String source, int running, int queued, int abandoned) {}

    /**
     * One bulkhead's gauges, read when metrics are scraped.
     *
     * @param method  the {@code method} tag (a listener's is its source)
     * @param role    the method's role
     * @param running calls counted as running now
     * @param queued  calls waiting now
     */
    public record Capacity(String method, Role role, IntSupplier running, IntSupplier queued) {}

    /** Every bulkhead, for the in-flight and queue-depth gauges. */
    public List<Capacity> capacities() {
        List<Capacity> out = new ArrayList<>();
        for (MethodDef def : model.inRegistrationOrder()) {
            Bulkhead b = def.spec().role() == Role.LISTENER ? listenerBulkheads.get(def) : bulkheads.get(def.name());
            if (!def.system() && b != null) {
                out.add(new Capacity(meterName(def), def.spec().role(), b::running, b::queued));
            }
        }
        return out;
    }

    /** What was dropped or refused, by reason. */
    public Drops drops() {
        return drops;
    }

    /**
     * Runs {@code method} with {@code params} ({@code null} means {@code {}}) on a virtual thread.
     *
     * @return the result, or a failure with an {@link RpcException}
     */
    public CompletableFuture<Object> call(String method, ObjectNode params, CallContext context) {
        return call(method, params, context, false);
    }

    /**
     * Like {@link #call(String, ObjectNode, CallContext)}; with {@code onCallerThread} a call that
     * may run at once runs on the calling thread. Only for a caller that is a virtual thread
     * started for this one message (the transports deliver each message so): the call still has
     * a virtual thread of its own, without a second hand-off. A call that must wait its turn runs
     * later on a thread of its own, and the caller returns at once.
     */
    public CompletableFuture<Object> call(
            String method, ObjectNode params, CallContext context, boolean onCallerThread) {
        return call(method, params, context, onCallerThread, null);
    }

    /**
     * Like {@link #call(String, ObjectNode, CallContext, boolean)}, as the hop {@code trace}
     * ({@code Trace.continueFrom(callersTrace)}; {@code null} starts a trace).
     */
    public CompletableFuture<Object> call(
            String method, ObjectNode params, CallContext context, boolean onCallerThread, Trace trace) {
        return call(method, params, context, onCallerThread, trace, true);
    }

    /**
     * Like {@link #call(String, ObjectNode, CallContext, boolean, Trace)}, for a message another
     * replica of the service owns when {@code owned} is false: of a {@code broadcast} only the
     * listeners marked every-replica run.
     */
    public CompletableFuture<Object> call(
            String method, ObjectNode params, CallContext context, boolean onCallerThread, Trace trace, boolean owned) {
        long received = nanoClock.getAsLong();
        ObjectNode body = params == null ? Json.object() : params;
        Call call = new Call(Params.of(body), context);
        CallScope.Labels labels = labels(method, body, context, trace == null ? Trace.start() : trace);
        CompletableFuture<Object> result =
                route(method, call, labels, received, onCallerThread, owned ? Listeners.OWNED : Listeners.NOT_OWNED);
        if (logCalls && (context == null || !HTTP.equals(context.transport()))) {
            result.whenComplete((value, error) -> logCall(method, context, labels, received, error));
        }
        return result;
    }

    /**
     * Runs the durable listeners whose key filter matches {@code params} (a broadcast event read
     * from the service's stream), each in its bulkhead as a broadcast's listeners run.
     *
     * @return completes when every one returned; fails when one threw (the event is to be retried)
     */
    public CompletableFuture<Object> callDurable(ObjectNode params, CallContext context, Trace trace) {
        long received = nanoClock.getAsLong();
        ObjectNode body = params == null ? Json.object() : params;
        Call call = new Call(Params.of(body), context);
        CallScope.Labels labels = labels(MethodSpec.BROADCAST, body, context, trace == null ? Trace.start() : trace);
        return route(MethodSpec.BROADCAST, call, labels, received, false, Listeners.DURABLE);
    }

    /** Which of a broadcast's listeners run: the owner's, another replica's share, or the stream's. */
    private enum Listeners {
        OWNED,
        NOT_OWNED,
        DURABLE
    }

    private CompletableFuture<Object> route(
            String method, Call call, CallScope.Labels labels, long received, boolean onCallerThread, Listeners owned) {
        MethodDef def = model.method(method).orElse(null);
        if (def != null && def.system()) {
            // Band's own methods answer even under load and while shutting down
            CompletableFuture<Object> result = new CompletableFuture<>();
            CallScope scope = CallScope.open(labels);
            try {
                invoke(def, call, result);
            } finally {
                scope.close();
            }
            return result;
        }
        if (draining) {
            Bulkhead refusing = def == null ? null : bulkheads.get(def.name());
            if (measuring) {
                (refusing == null ? unknownMeter : refusing.meter)
                        .record(transport(call.context()), Outcome.UNAVAILABLE, 0);
            }
            return CompletableFuture.failedFuture(
                    new RpcException(RpcException.UNAVAILABLE, "Service is shutting down, try again later"));
        }
        if (MethodSpec.BROADCAST.equals(method) && !model.listeners().isEmpty()) {
            return broadcast(call, labels, received, onCallerThread, owned);
        }
        if (def == null) {
            if (measuring) {
                unknownMeter.record(transport(call.context()), Outcome.NOT_FOUND, 0);
            }
            return CompletableFuture.failedFuture(RpcException.methodNotFound(method));
        }
        Task task = new Task(def, call, bulkheads.get(def.name()), frontWait(def, call.context()), received, labels);
        return submit(task, onCallerThread);
    }

    private static CallScope.Labels labels(String method, ObjectNode params, CallContext context, Trace trace) {
        JsonNode key = params.get("key");
        return CallScope.Labels.call(
                context == null ? null : context.id(),
                context == null ? null : context.caller(),
                method,
                key != null && key.isTextual() ? key.textValue() : null,
                trace);
    }

    /** The call log's line: {@code Call 'ping' from front (redis): ok in 3 ms}. */
    private void logCall(String method, CallContext context, CallScope.Labels labels, long received, Throwable error) {
        long millis = TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - received);
        Throwable failure = error == null ? null : Futures.unwrap(error);
        CallScope scope = CallScope.open(labels);
        try {
            callLog.info(
                    "{} '{}' from {} ({}): {} in {} ms",
                    context != null && context.expectsReply() ? "Call" : "Notification",
                    WireText.of(method),
                    WireText.of(context == null ? "?" : context.caller()),
                    context == null ? "?" : context.transport(),
                    outcome(failure),
                    millis);
        } finally {
            scope.close();
        }
    }

    /**
     * A call's outcome in one word, with the JSON-RPC code when it failed: {@code ok},
     * {@code invalid (-32602)}, {@code overloaded (-32001)}, {@code timeout (-32002)},
     * {@code unavailable (-32003)}, {@code error (-32603)}; shed calls answer "Shed: ...".
     */
    public static String outcome(Throwable failure) {
        if (failure == null) {
            return Outcome.OK.tag();
        }
        Throwable cause = Futures.unwrap(failure);
        int code = cause instanceof RpcException rpc ? rpc.code() : RpcException.INTERNAL_ERROR;
        Outcome outcome = Outcome.of(cause);
        if (outcome == Outcome.OVERLOADED
                && cause.getMessage() != null
                && cause.getMessage().startsWith(SHED)) {
            outcome = Outcome.SHED;
        }
        return outcome.tag() + " (" + code + ")";
    }

    /** How long front waits for this call, when it is front calling; 0 otherwise. */
    private static long frontWait(MethodDef def, CallContext context) {
        if (context == null || !FRONT.equals(context.caller()) || !context.expectsReply()) {
            return 0;
        }
        Role role = def.spec().role();
        if (role == Role.HANDLER) {
            long timeout = def.spec().timeoutMillis();
            return TimeUnit.MILLISECONDS.toNanos(timeout > 0 ? timeout : FRONT_WAIT.toMillis());
        }
        return role == Role.ENRICHER ? FRONT_WAIT.toNanos() : 0;
    }

    private static String transport(CallContext context) {
        return context == null || context.transport() == null ? "unknown" : context.transport();
    }

    private CompletableFuture<Object> submit(Task task, boolean onCallerThread) {
        switch (task.bulkhead.admit(task)) {
            case RUN -> {
                if (onCallerThread || !task.def.spec().blocking()) {
                    start(task);
                } else {
                    threads.newThread(() -> start(task)).start();
                }
            }
            case QUEUED -> {
                // runs when a place frees up (finished or abandoned): see release()
            }
            case REFUSED -> {
                CallScope scope = CallScope.open(task.labels);
                try {
                    refuse(task);
                } finally {
                    scope.close();
                }
            }
        }
        return task.result;
    }

    /**
     * Answers {@code task} with {@code value}, or {@code error} when not null, unless it was answered
     * already. Every end of a call passes here (result, error, refusal, shedding, timeout, abort), and
     * with metrics on it is recorded once, by whoever answers, before the caller can see the answer: a
     * scrape after the answer counts the call. No future more per call for that.
     *
     * @return true when this answered the task
     */
    private boolean answer(Task task, Object value, Throwable error) {
        if (measuring) {
            if (!task.settle()) {
                return false;
            }
            task.bulkhead.meter.record(
                    transport(task.call.context()),
                    task.shed ? Outcome.SHED : Outcome.of(error),
                    nanoClock.getAsLong() - task.receivedNanos);
        }
        return error == null ? task.result.complete(value) : task.result.completeExceptionally(error);
    }

    private void refuse(Task task) {
        String why = "Service overloaded: " + task.def.name() + " has " + task.bulkhead.maxRunning
                + " calls running and " + task.bulkhead.maxQueued + " waiting, try again later";
        if (task.call.context() == null || !task.call.context().expectsReply()) {
            drops.drop(
                    "queue-full",
                    "Dropped a notification for {} from {}: {}",
                    task.def.source(),
                    WireText.of(caller(task)),
                    why);
        } else {
            drops.drop("overloaded", "Refused {} from {}: {}", task.def.source(), WireText.of(caller(task)), why);
        }
        answer(task, null, new RpcException(RpcException.OVERLOADED, why));
    }

    /** Runs a task counted as running, inside its call's scope. */
    private void start(Task task) {
        CallScope scope = CallScope.open(task.labels);
        try {
            run(task);
        } finally {
            scope.close();
        }
    }

    /** Runs a task counted as running; sheds it first when its caller is already gone. */
    private void run(Task task) {
        long now = nanoClock.getAsLong();
        if (task.callerGone(now)) {
            long waited = TimeUnit.NANOSECONDS.toMillis(now - task.receivedNanos);
            drops.drop(
                    "shed",
                    "Shed {} from front: it waited {} ms, front stops waiting after {} ms",
                    task.def.source(),
                    waited,
                    TimeUnit.NANOSECONDS.toMillis(task.waitNanos));
            end(task);
            task.shed = true;
            answer(
                    task,
                    null,
                    new RpcException(
                            RpcException.OVERLOADED,
                            SHED + task.def.name() + " waited " + waited + " ms, longer than front waits"));
            return;
        }
        boolean blocking = task.def.spec().blocking();
        if (blocking) {
            // a non-blocking method's thread is the transport's (an event loop): never interrupted
            task.thread = Thread.currentThread();
        }
        long timeout = task.def.spec().timeoutMillis();
        if (timeout > 0) {
            var expiry = timer.schedule(
                    () -> {
                        if (answer(
                                task,
                                null,
                                new RpcException(
                                        RpcException.TIMEOUT,
                                        "Method '" + task.def.name() + "' timed out after " + timeout + " ms"))) {
                            interrupt(task);
                        }
                    },
                    timeout,
                    TimeUnit.MILLISECONDS);
            task.result.whenComplete((v, e) -> expiry.cancel(false));
        } else if (task.waitNanos > 0) {
            long left = task.waitNanos - (now - task.receivedNanos);
            var leave = timer.schedule(() -> abandon(task), Math.max(0, left), TimeUnit.NANOSECONDS);
            task.result.whenComplete((v, e) -> leave.cancel(false));
        }
        // the place is freed before the answer is completed, so whoever sees the answer sees the place free
        Object value = null;
        Throwable error = null;
        long began = blocking ? 0 : nanoClock.getAsLong();
        try {
            value = task.def.handler().handle(task.call);
            if (value instanceof CompletionStage<?> stage) {
                stage.whenComplete((v, e) -> {
                    CallScope scope = CallScope.open(task.labels);
                    try {
                        end(task);
                        complete(task, v, e);
                    } finally {
                        scope.close();
                    }
                });
                return;
            }
        } catch (Throwable e) {
            error = e;
        } finally {
            if (!blocking) {
                ranFor(task, nanoClock.getAsLong() - began);
            }
            if (blocking && timeout > 0 && task.result.isDone()) {
                // a timeout may have interrupted us after the method returned: the thread goes on answering
                Thread.interrupted();
            }
        }
        end(task);
        complete(task, value, error);
    }

    /**
     * A non-blocking method's code returned after {@code nanos}: past the threshold twice in a row
     * it broke its promise, and the thread it held (an event loop) served nobody else meanwhile.
     * Its first call is not judged.
     */
    private void ranFor(Task task, long nanos) {
        if (!task.bulkhead.brokePromise(nanos > nonBlockingWarnNanos)) {
            return;
        }
        blocked.warn(
                "blocked:" + task.def.source(),
                "Method '{}' ({}) is declared blocking = false but ran {} ms on thread {}, the second run in a"
                        + " row longer than rpc.nonblocking_warn_ms ({} ms): it holds up every call that thread serves;"
                        + " keep it from waiting (return a CompletionStage for work that waits) or leave"
                        + " blocking at its default (true)",
                WireText.of(task.def.name()),
                task.def.source(),
                TimeUnit.NANOSECONDS.toMillis(nanos),
                Thread.currentThread().getName(),
                nonBlockingWarn.toMillis());
    }

    /** The method's code returned: free its place and start whoever waits for it. */
    private void end(Task task) {
        if (!task.ended.compareAndSet(false, true)) {
            return;
        }
        Task next = task.bulkhead.finished(task);
        if (next != null) {
            threads.newThread(() -> start(next)).start();
        }
    }

    private void abandon(Task task) {
        Task next = task.bulkhead.abandon(task);
        if (next != null) {
            log.debug("{}: front stopped waiting; still running outside the bulkhead", task.def.source());
            threads.newThread(() -> start(next)).start();
        }
    }

    private static void interrupt(Task task) {
        Thread thread = task.thread;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /**
     * True when a call of {@code method} never blocks the thread that submits it: the method is
     * declared non-blocking, or for {@code broadcast} every listener is (and none is durable). A
     * transport may then run such a call where the message was received, instead of handing it
     * to a thread of its own ({@code RpcEndpoint}'s fast path).
     */
    public boolean runsWhereReceived(String method) {
        return method != null && nonBlockingMethods.contains(method);
    }

    /** True when some method is declared non-blocking: only then is {@link #runsWhereReceived} ever true. */
    public boolean hasNonBlockingMethods() {
        return !nonBlockingMethods.isEmpty();
    }

    /** True when some listener runs on every replica (a broadcast another replica owns still concerns us). */
    public boolean hasEveryReplicaListeners() {
        return everyReplicaListeners;
    }

    /** True when some listener is durable (see {@link MethodSpec#withDurable}). */
    public boolean hasDurableListeners() {
        return durableListeners;
    }

    /**
     * From now on the broadcast path leaves the durable listeners out: the service's stream feeds
     * them ({@link #callDurable}). Without it (the in-process bus) they run as plain listeners.
     */
    public void feedDurableFromStream() {
        durableFromStream = true;
    }

    /** True when a durable listener's key filter accepts an event with routing key {@code key}. */
    public boolean durableWants(String key) {
        for (MethodDef listener : model.listeners()) {
            if (listener.spec().durable() && accepts(listener, key)) {
                return true;
            }
        }
        return false;
    }

    private static boolean accepts(MethodDef listener, String key) {
        List<String> keys = listener.spec().keys();
        return keys.isEmpty() || keys.stream().anyMatch(key::startsWith);
    }

    private boolean runs(MethodDef listener, Listeners which) {
        MethodSpec spec = listener.spec();
        return switch (which) {
            case DURABLE -> spec.durable();
            case OWNED -> !(spec.durable() && durableFromStream);
            case NOT_OWNED -> spec.everyReplica();
        };
    }

    /**
     * Every listener whose key filter matches, each in its own bulkhead: on the owner the ones the
     * stream does not feed, elsewhere only every-replica ones, from the stream the durable ones.
     */
    private CompletableFuture<Object> broadcast(
            Call call, CallScope.Labels labels, long received, boolean onCallerThread, Listeners which) {
        JsonNode keyNode = call.params().node("key");
        String key = keyNode == null ? "" : keyNode.asText();
        List<CompletableFuture<Object>> runs = new ArrayList<>();
        for (MethodDef listener : model.listeners()) {
            if (runs(listener, which) && accepts(listener, key)) {
                Task task = new Task(listener, call, listenerBulkheads.get(listener), 0, received, labels);
                // only the first may use the caller's thread: the others must not wait for it
                runs.add(submit(
                        task,
                        onCallerThread && runs.isEmpty() && model.listeners().size() == 1));
            }
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).handle((ignored, error) -> {
            if (error != null) {
                throw error instanceof CompletionException ce ? ce : new CompletionException(error);
            }
            return null;
        });
    }

    /** Runs a system method on the calling thread, outside every bulkhead. */
    private void invoke(MethodDef def, Call call, CompletableFuture<Object> result) {
        try {
            Object value = def.handler().handle(call);
            if (value instanceof CompletionStage<?> stage) {
                stage.whenComplete((v, e) -> complete(result, def, call, v, e));
            } else {
                result.complete(value);
            }
        } catch (Throwable e) {
            complete(result, def, call, null, e);
        }
    }

    private void complete(Task task, Object value, Throwable error) {
        if (task.result.isDone()) {
            return;
        }
        answer(task, value, error == null ? null : toRpc(task.def, task.call, Futures.unwrap(error)));
    }

    private void complete(CompletableFuture<Object> result, MethodDef def, Call call, Object value, Throwable error) {
        if (result.isDone()) {
            return;
        }
        if (error == null) {
            result.complete(value);
            return;
        }
        result.completeExceptionally(toRpc(def, call, Futures.unwrap(error)));
    }

    private RpcException toRpc(MethodDef def, Call call, Throwable error) {
        if (error instanceof RpcException rpc) {
            log.debug("Method '{}' ({}) answered error {}: {}", def.name(), def.source(), rpc.code(), rpc.getMessage());
            return rpc;
        }
        if (error instanceof InterruptedException) {
            return new RpcException(RpcException.UNAVAILABLE, "Method '" + def.name() + "' was interrupted");
        }
        String id = HexFormat.of().toHexDigits(RANDOM.nextInt());
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        log.warn(
                "Method '{}' ({}) failed for {} [error {}]: {}",
                def.name(),
                def.source(),
                WireText.of(caller(call)),
                id,
                WireText.of(error.getClass().getName() + ": " + message),
                error);
        String answer = production ? "Internal error (id " + id + ")" : message;
        return new RpcException(RpcException.INTERNAL_ERROR, answer, error);
    }

    private static String caller(Task task) {
        return caller(task.call);
    }

    private static String caller(Call call) {
        CallContext context = call.context();
        return context == null ? "?" : context.caller() + " via " + context.transport();
    }

    /** Refuses new calls from now on ("shutting down"); system methods still answer. */
    public void drain() {
        draining = true;
    }

    /** True once {@link #drain()} or {@link #close()} was called: readiness reports it. */
    public boolean isDraining() {
        return draining;
    }

    /**
     * Waits until no call runs or waits, or the deadline passes.
     *
     * @return true when idle
     */
    public boolean awaitIdle(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            boolean idle = true;
            for (Bulkhead b : allBulkheads()) {
                if (!b.active().isEmpty() || b.queued() > 0) {
                    idle = false;
                    break;
                }
            }
            if (idle) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10); // polling a deadline: calls end on their own threads
        }
    }

    /**
     * Answers every call still running or waiting with {@code why} ({@link RpcException#UNAVAILABLE})
     * and interrupts the running ones.
     *
     * @return how many calls were answered so
     */
    public int abortAll(String why) {
        int n = 0;
        RpcException error = new RpcException(RpcException.UNAVAILABLE, why);
        for (Bulkhead b : allBulkheads()) {
            for (Task task : b.takeQueued()) {
                n += answer(task, null, error) ? 1 : 0;
            }
            for (Task task : b.active()) {
                if (answer(task, null, error)) {
                    n++;
                    interrupt(task);
                }
            }
        }
        return n;
    }

    private List<Bulkhead> allBulkheads() {
        List<Bulkhead> all = new ArrayList<>(bulkheads.values());
        all.addAll(listenerBulkheads.values());
        return all;
    }

    /** Refuses new calls and stops the timers; calls in flight finish. */
    @Override
    public void close() {
        draining = true;
        timer.shutdownNow();
    }
}
