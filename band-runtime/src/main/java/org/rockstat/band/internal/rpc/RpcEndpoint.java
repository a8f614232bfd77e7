package org.rockstat.band.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.rockstat.band.call.CallContext;
import org.rockstat.band.call.ResponseStream;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.internal.concurrent.Futures;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.durable.DurableStream;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.metrics.BandMetrics;
import org.rockstat.band.internal.replica.ReplicaSet;
import org.rockstat.band.internal.replica.View;
import org.rockstat.band.internal.report.Drops;
import org.rockstat.band.internal.report.RateLimitedLog;
import org.rockstat.band.internal.report.WireText;
import org.rockstat.band.internal.trace.Trace;
import org.rockstat.band.internal.transport.MessageCodec;
import org.rockstat.band.internal.transport.MessageListener;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.internal.transport.TransportListener;
import org.rockstat.band.internal.transport.TransportState;
import org.rockstat.band.method.MethodSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol engine (PROTOCOL §2), independent of the transport: reads every message of the
 * subscribed channels, runs requests and notifications addressed to us through the
 * {@link Dispatcher} and answers requests on the requester's channel, and completes our own
 * pending calls from responses. Heartbeats are not its business ({@code internal.heartbeat}).
 *
 * <p>Garbage never stops it: a message that is not JSON, not an object, not JSON-RPC 2.0, too
 * large, or has by-position params is answered with the §2 error when it has an id and a sender
 * to answer, and otherwise dropped with one log line and counted ({@link Drops}: {@code not-json},
 * {@code not-object}, {@code invalid-request}...).
 *
 * <pre>{@code
 * RpcEndpoint endpoint = new RpcEndpoint("uaparser", transport, 1 << 20);
 * RpcClient client = endpoint.client();            // usable by handlers from now on
 * endpoint.start(Set.of("uaparser", "enrich"), dispatcher);
 * ...
 * endpoint.close();
 * }</pre>
 */
public final class RpcEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RpcEndpoint.class);
    private final RateLimitedLog garbage = new RateLimitedLog(log, Duration.ofSeconds(10));
    private final Drops drops;

    private final String name;
    private final Transport transport;
    private final int maxMessageBytes;
    private final ScheduledThreadPoolExecutor timer;
    private final PendingCalls pending;
    private final EndpointClient client;
    private volatile Set<String> channels = Set.of();
    private volatile java.util.Map<String, String> answerAs = java.util.Map.of();
    private volatile Dispatcher dispatcher;
    private volatile ReplicaSet replicas;
    /** Null unless a listener is durable: then its broadcasts are appended to the service's stream. */
    private volatile DurableStream durable;

    /**
     * Messages up to this size are parsed on the event loop when the service has non-blocking
     * methods, to find the calls that can run there. Larger ones are parsed on their virtual
     * thread: measured in pair 5 of {@code make bench}, running a call on the one event loop that
     * reads the subscription saved CPU at 200 bytes, was even at 1 KB and cost 5–11 % more at
     * 3 and 10 KB, where the work of the message outweighs the hand-off and is better spread over
     * the carriers.
     */
    static final int PARSE_ON_ARRIVAL_BYTES = 2 * 1024;

    private volatile AtomicInteger arriving = new AtomicInteger();
    /** Requests being served whose answer Redis has not yet taken (or refused): a stop waits for them. */
    private final AtomicInteger answering = new AtomicInteger();

    private volatile boolean closed;

    /** What the transport calls: captures the replicas' view as each message arrives, in Redis's order. */
    private final MessageListener listener = new MessageListener() {
        @Override
        public void onMessage(String channel, byte[] text) {
            RpcEndpoint.this.onMessage(channel, text);
        }

        @Override
        public Runnable arrive(String channel, byte[] text) {
            return arriving(channel, text, false);
        }

        @Override
        public Runnable arriveOrHandle(String channel, byte[] text) {
            return arriving(channel, text, true);
        }
    };

    /**
     * A message as it arrives, on the receiving thread: the replicas' view is captured here, in
     * Redis's order. With {@code mayHandleHere} and a service with non-blocking methods, a small
     * message is parsed here too, and a call of such a method runs to its answer on this thread
     * (null is returned); anything else goes on to a virtual thread with its parsed envelope.
     */
    private Runnable arriving(String channel, byte[] text, boolean mayHandleHere) {
        ReplicaSet set = replicas;
        CompletableFuture<View> view = set == null ? null : set.current();
        AtomicInteger counted = arriving;
        counted.incrementAndGet();
        Dispatcher d = dispatcher;
        if (mayHandleHere
                && d != null
                && d.hasNonBlockingMethods()
                && text.length <= Math.min(PARSE_ON_ARRIVAL_BYTES, maxMessageBytes)
                && (view == null || view.isDone())) {
            Envelope message;
            try {
                ObjectNode object = parse(channel, text);
                message = object == null ? null : Envelope.of(object);
            } catch (RuntimeException e) {
                counted.decrementAndGet();
                failed(channel, e);
                return null;
            }
            if (message == null || runsHere(d, message)) {
                try {
                    if (message != null) {
                        handleSafely(channel, text, message, view);
                    }
                } finally {
                    counted.decrementAndGet();
                }
                return null;
            }
            return () -> {
                try {
                    handleSafely(channel, text, message, view);
                } finally {
                    counted.decrementAndGet();
                }
            };
        }
        return () -> {
            try {
                handleSafely(channel, text, view);
            } finally {
                counted.decrementAndGet();
            }
        };
    }

    /**
     * A request or notification of a method that never blocks, addressed to us: it can run on the
     * event loop. A response is never finished there: it completes a caller's future, whose
     * callbacks are the caller's code.
     */
    private static boolean runsHere(Dispatcher d, Envelope message) {
        return !message.isResponse() && d.runsWhereReceived(message.method());
    }

    /**
     * An endpoint for service {@code name} on {@code transport}; its client exists at once,
     * nothing is received until {@link #start}.
     */
    public RpcEndpoint(String name, Transport transport, int maxMessageBytes) {
        this(name, transport, maxMessageBytes, BandMetrics.NOOP);
    }

    /** Like {@link #RpcEndpoint(String, Transport, int)}, telling {@code metrics} our calls and drops. */
    public RpcEndpoint(String name, Transport transport, int maxMessageBytes, BandMetrics metrics) {
        this.drops = new Drops(log, Duration.ofSeconds(10), metrics);
        this.name = name;
        this.transport = transport;
        this.maxMessageBytes = maxMessageBytes;
        this.timer = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().daemon().name("band-rpc-timer").factory());
        this.timer.setRemoveOnCancelPolicy(true);
        this.pending = new PendingCalls(timer);
        this.client = new EndpointClient(name, transport, pending, drops, metrics);
        transport.addListener(new TransportListener() {
            @Override
            public void stateChanged(TransportState from, TransportState to) {
                if (from == TransportState.CONNECTED) {
                    pending.abortAll("connection to " + transport.peerName() + " lost");
                }
            }
        });
    }

    /**
     * Subscribes {@code channels} (the service's name first) and acts on what arrives;
     * {@code dispatcher} runs the requests (a client-only endpoint passes {@code null}: requests
     * to it are answered "method not found").
     *
     * @return completes once the channels are subscribed
     */
    public CompletableFuture<Void> start(Set<String> channels, Dispatcher dispatcher) {
        this.channels = Collections.unmodifiableSet(new LinkedHashSet<>(channels));
        this.dispatcher = dispatcher;
        CompletableFuture<Void> subscribed =
                transport.subscribe(this.channels, listener).toCompletableFuture();
        subscribed.thenRun(
                () -> log.info("Listening on channels {} ({})", String.join(", ", this.channels), transport.kind()));
        transport.start();
        return subscribed;
    }

    /**
     * Stops receiving {@code leaving} (a draining service leaves {@code enrich} and
     * {@code broadcast} first); the others stay.
     */
    public CompletableFuture<Void> leave(Set<String> leaving) {
        Set<String> kept = new LinkedHashSet<>(channels);
        kept.removeAll(leaving);
        this.channels = Collections.unmodifiableSet(kept);
        return transport.unsubscribe(leaving).toCompletableFuture();
    }

    /**
     * Answers requests for {@code method} {@code from} {@code name} instead of the service's own
     * name: front waits for an enricher registered with an alias by the {@code from} of its answer,
     * and expects the alias there (PROTOCOL §7). Call before {@link #start}.
     */
    public void answerAs(String method, String name) {
        java.util.Map<String, String> more = new java.util.HashMap<>(answerAs);
        more.put(method, name);
        this.answerAs = java.util.Map.copyOf(more);
    }

    /** Who answers {@code method}: the service, or the alias it is known by for that method. */
    private String from(String method) {
        return method == null ? name : answerAs.getOrDefault(method, name);
    }

    /** The client for calls from this service. */
    public RpcClient client() {
        return client;
    }

    /** The channels this endpoint acts on. */
    public Set<String> channels() {
        return channels;
    }

    /** Our calls waiting for responses. */
    public int pendingCalls() {
        return pending.size();
    }

    /**
     * Shares the requests, enrich calls and broadcasts with the other replicas of the service:
     * each is handled here only when {@code replicas}' view at its arrival says it is ours. Call
     * before {@link #start}.
     */
    public void replicas(ReplicaSet replicas) {
        this.replicas = replicas;
    }

    /**
     * Appends the broadcasts a durable listener takes to {@code stream}: every replica that
     * receives one appends it (the stream keeps one per event id), the owner alone an event
     * without an id. Without it (no durable listener) nothing on the path changes.
     */
    public void durable(DurableStream stream) {
        this.durable = stream;
    }

    /**
     * Waits until every message received so far has been handed to the dispatcher (or found
     * another replica's): a leaving replica calls it once its leave came back, so that what it
     * still owns is running before the dispatcher refuses new calls.
     *
     * @return false when some were still on their way after {@code within}
     */
    public boolean awaitArrived(Duration within) throws InterruptedException {
        AtomicInteger earlier = arriving;
        arriving = new AtomicInteger();
        long deadline = System.nanoTime() + within.toNanos();
        while (earlier.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1); // polling a deadline: each message's own virtual thread counts down
        }
        return true;
    }

    /**
     * Waits until every request being served has its answer taken by Redis (or refused by it):
     * what a stop waits for after the dispatcher answered the last calls "shutting down", so the
     * transport is not closed under answers still on their way to it.
     */
    public boolean awaitAnswered(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (answering.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1); // polling a deadline: the answers complete on Redis's threads
        }
        return true;
    }

    /**
     * Every message of every subscribed channel arrives here, each on its own virtual thread (a
     * non-blocking method's call over Redis on the event loop: {@link #arriving}), as the UTF-8
     * bytes it was published as: Jackson parses them as they are, and nothing on the way
     * makes a {@code String} of them (a log line decodes the start it shows, a message without an
     * id owned by a replica its text: {@link #ownershipKey}).
     */
    void onMessage(String channel, byte[] text) {
        handleSafely(channel, text, null);
    }

    private void handleSafely(String channel, byte[] text, CompletableFuture<View> view) {
        try {
            handle(channel, text, view);
        } catch (RuntimeException e) {
            failed(channel, e);
        }
    }

    private void handleSafely(String channel, byte[] text, Envelope parsed, CompletableFuture<View> view) {
        try {
            handle(channel, text, parsed, view);
        } catch (RuntimeException e) {
            failed(channel, e);
        }
    }

    private void failed(String channel, RuntimeException e) {
        drops.drop("failed", "Dropped a message on channel '{}': {}", WireText.of(channel), WireText.of(e.toString()));
    }

    /**
     * True when this replica handles the message: always without replicas; otherwise when the
     * view captured at its arrival makes it the owner of the message's key (the requester and
     * its id for a request, the event id for a broadcast, the text otherwise).
     */
    private boolean mine(CompletableFuture<View> view, Envelope message, byte[] text) {
        ReplicaSet set = replicas;
        if (view == null || set == null) {
            return true;
        }
        return ReplicaSet.await(view).owns(set.id(), ownershipKey(message, text));
    }

    private static String ownershipKey(Envelope message, byte[] text) {
        if (message != null && message.id() != null) {
            return message.from() + "|" + message.idText();
        }
        JsonNode event = message == null || message.params() == null
                ? null
                : message.params().get("id");
        // the text as every replica (and every earlier version) hashes it: rare, so decoded here
        return event != null && event.isTextual() ? "event|" + event.asText() : MessageCodec.text(text);
    }

    private void handle(String channel, byte[] text, CompletableFuture<View> view) {
        // the bytes as received are what the limit counts: no scan, whatever the characters
        if (text.length > maxMessageBytes) {
            Envelope routing = OversizePeek.peek(text);
            if (!mine(view, routing, text)) {
                return;
            }
            reject(
                    routing,
                    channel,
                    RpcException.INVALID_REQUEST,
                    "Invalid Request: message of " + text.length + " bytes exceeds the limit of " + maxMessageBytes
                            + " bytes");
            return;
        }
        ObjectNode object = parse(channel, text);
        if (object != null) {
            handle(channel, text, Envelope.of(object), view);
        }
    }

    /** The message's JSON object; null when it is not one (dropped, with a log line). */
    private ObjectNode parse(String channel, byte[] text) {
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(text);
        } catch (Exception e) {
            drops.drop(
                    "not-json",
                    "Dropped a message on channel '{}': not valid JSON: {}",
                    WireText.of(channel),
                    preview(text));
            return null;
        }
        if (!(tree instanceof ObjectNode object)) {
            drops.drop(
                    "not-object",
                    "Dropped a message on channel '{}': not a JSON object: {}",
                    WireText.of(channel),
                    preview(text));
            return null;
        }
        return object;
    }

    /** A message within the size limit, parsed. */
    private void handle(String channel, byte[] text, Envelope message, CompletableFuture<View> view) {
        if (message.isResponse()) {
            if (!WireMessages.VERSION.equals(message.jsonrpc())) {
                drops.drop(
                        "response-version",
                        "Dropped a response on channel '{}' from {}: \"jsonrpc\" is not \"2.0\"",
                        WireText.of(channel),
                        WireText.of(message.from()));
                return;
            }
            pending.onResponse(message);
            return;
        }
        if (message.method() == null) {
            if (!mine(view, message, text)) {
                return;
            }
            reject(message, channel, RpcException.INVALID_REQUEST, "Invalid Request: no method, result or error");
            return;
        }
        if (message.to() == null || !channels.contains(message.to())) {
            log.debug(
                    "Ignored {} on channel '{}': addressed to {}",
                    WireText.of(message.method()),
                    WireText.of(channel),
                    WireText.of(message.to()));
            return;
        }
        boolean owned = mine(view, message, text);
        DurableStream stream = durable;
        boolean broadcast = MethodSpec.BROADCAST.equals(message.method());
        if (!owned && !(broadcast && (everyReplicaListeners() || stream != null))) {
            // another replica of the service owns it
            return;
        }
        if (!WireMessages.VERSION.equals(message.jsonrpc())) {
            reject(message, channel, RpcException.INVALID_REQUEST, "Invalid Request: \"jsonrpc\" must be \"2.0\"");
            return;
        }
        JsonNode params = message.params();
        if (params != null && params.isArray()) {
            reject(
                    message,
                    channel,
                    RpcException.INVALID_PARAMS,
                    "Invalid params: by-position (array) params are not supported, send an object");
            return;
        }
        if (params != null && !params.isNull() && !params.isObject()) {
            reject(
                    message,
                    channel,
                    RpcException.INVALID_PARAMS,
                    "Invalid params: expected an object, got "
                            + params.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            return;
        }
        if (message.id() != null && message.from() == null) {
            drops.drop(
                    "no-sender",
                    "Dropped request {} on channel '{}': no sender (\"from\") to answer",
                    WireText.of(message.method()),
                    WireText.of(channel));
            return;
        }
        ObjectNode body = params instanceof ObjectNode p ? p : Json.object();
        if (stream != null && broadcast) {
            appendDurable(stream, message, body, owned);
            if (!owned && !everyReplicaListeners()) {
                // appended for the durable listeners; nothing else of it is this replica's
                return;
            }
        }
        dispatch(message, body, owned);
    }

    /**
     * Appends a broadcast to the durable stream when a durable listener takes it. An event with an id is
     * appended by every replica (the stream keeps it once: a dead owner's share is not lost), one
     * without by its owner only.
     */
    private void appendDurable(DurableStream stream, Envelope message, ObjectNode params, boolean owned) {
        Dispatcher d = dispatcher;
        JsonNode key = params.get("key");
        if (d != null && d.durableWants(key == null ? "" : key.asText())) {
            JsonNode id = params.get("id");
            String eventId = id != null && id.isTextual() ? id.asText() : null;
            if (eventId != null || owned) {
                stream.append(eventId, message.from(), params);
            }
        }
    }

    private boolean everyReplicaListeners() {
        Dispatcher d = dispatcher;
        return d != null && d.hasEveryReplicaListeners();
    }

    private void dispatch(Envelope message, ObjectNode params, boolean owned) {
        CallContext context = new CallContext(message.from(), message.idText(), message.method(), transport.kind());
        if (message.id() != null) {
            answering.incrementAndGet();
        }
        CompletableFuture<Object> result;
        Dispatcher dispatcher = this.dispatcher;
        try {
            if (dispatcher == null) {
                // a client-only endpoint serves nothing
                throw RpcException.methodNotFound(message.method());
            }
            // a message on a virtual thread of its own runs its call there; on the event loop only a
            // non-blocking method's call arrives, and the dispatcher runs that one where it is too
            result = dispatcher.call(
                    message.method(),
                    params,
                    context,
                    Thread.currentThread().isVirtual(),
                    Trace.continueFrom(Trace.parse(message.traceparent())),
                    owned);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((value, error) -> {
            if (value instanceof ResponseStream stream) {
                // the protocol has no streams: the producer never runs, the caller is told why
                stream.discard();
                value = null;
                error = new RpcException(
                        RpcException.INTERNAL_ERROR,
                        "Method '" + message.method() + "' answers with a stream, which only the service's own HTTP"
                                + " endpoint can send (JSON-RPC has no streams): call it over HTTP");
            }
            if (message.id() == null) {
                if (error != null) {
                    log.debug(
                            "Notification {} from {} failed: {}",
                            WireText.of(message.method()),
                            WireText.of(message.from()),
                            Futures.unwrap(error).getMessage());
                }
                return;
            }
            answer(message, value, error).whenComplete((sent, failed) -> answering.decrementAndGet());
        });
    }

    private CompletionStage<Long> answer(Envelope request, Object value, Throwable failure) {
        String from = from(request.method());
        byte[] reply;
        if (failure == null) {
            try {
                reply = WireMessages.result(request.id(), value, from, request.from());
            } catch (RuntimeException e) {
                log.warn(
                        "Result of {} for {} cannot be serialised: {}",
                        WireText.of(request.method()),
                        WireText.of(request.from()),
                        e.toString());
                reply = WireMessages.error(
                        request.id(),
                        RpcException.INTERNAL_ERROR,
                        "Result of '" + request.method() + "' cannot be serialised to JSON",
                        from,
                        request.from());
            }
        } else {
            Throwable error = Futures.unwrap(failure);
            int code = error instanceof RpcException rpc ? rpc.code() : RpcException.INTERNAL_ERROR;
            String text = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
            reply = WireMessages.error(request.id(), code, text, from, request.from());
        }
        return send(
                request.from(),
                reply,
                request.method() != null && request.method().startsWith("__"));
    }

    /** Answers garbage with an error when it can be answered; otherwise one log line. */
    private void reject(Envelope message, String channel, int code, String why) {
        boolean addressedToUs = message != null && channels.contains(message.to() == null ? channel : message.to());
        if (message != null && message.id() != null && message.from() != null && addressedToUs) {
            garbage.warn(
                    "rejected-" + code,
                    "Rejected a message on channel '{}' from {}: {}",
                    WireText.of(channel),
                    WireText.of(message.from()),
                    why);
            send(
                    message.from(),
                    WireMessages.error(message.id(), code, why, from(message.method()), message.from()),
                    false);
        } else {
            String reason = code == RpcException.INVALID_PARAMS ? "invalid-params" : "invalid-request";
            drops.drop(reason, "Dropped a message on channel '{}': {}", WireText.of(channel), why);
        }
    }

    /** Publishes an answer; Band's own ({@code __status}) go ahead of the queue. One that is lost is counted. */
    private CompletionStage<Long> send(String to, byte[] message, boolean system) {
        CompletionStage<Long> sent = system ? transport.publishUrgent(to, message) : transport.publish(to, message);
        sent.whenComplete((ok, error) -> {
            if (error != null) {
                drops.drop(
                        "answer-lost",
                        "An answer to {} was not sent: {}",
                        WireText.of(to),
                        Futures.unwrap(error).getMessage());
            }
        });
        return sent;
    }

    /** What this endpoint dropped, by reason. */
    public Drops drops() {
        return drops;
    }

    /** Characters of a message a log line shows. */
    private static final int PREVIEW = 120;

    /**
     * The start of a message for a log line, escaped and cut by {@link WireText}: only the bytes
     * that can hold {@link #PREVIEW} characters are decoded (a UTF-8 character is at most 4), so a
     * 1 MB message costs a log line what a short one does.
     */
    private static WireText preview(byte[] text) {
        String start = MessageCodec.text(text, PREVIEW * 4);
        if (start.length() <= PREVIEW && text.length <= PREVIEW * 4) {
            return WireText.of(start);
        }
        return WireText.of(start.substring(0, Math.min(start.length(), PREVIEW)) + "... (" + text.length + " bytes)");
    }

    /**
     * Refuses new calls and fails every pending one with {@link RpcException#UNAVAILABLE}
     * ("service is shutting down"). Does not close the transport.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.close();
        pending.abortAll("service is shutting down");
        timer.shutdownNow();
    }
}
