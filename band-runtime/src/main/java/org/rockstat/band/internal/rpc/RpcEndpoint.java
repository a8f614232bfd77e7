package org.rockstat.band.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.rpc.CallContext;
import org.rockstat.band.rpc.RpcClient;
import org.rockstat.band.rpc.RpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol engine (PROTOCOL §2, §4), independent of the transport: reads every message of
 * the subscribed channels, runs requests and notifications addressed to us through the
 * {@link Dispatcher} and answers requests on the requester's channel, completes our own pending
 * calls from responses, and sends the {@code __iamalive} heartbeat to director.
 *
 * <p>Garbage never stops it: a message that is not JSON, not an object, not JSON-RPC 2.0, too
 * large, or has by-position params is answered with the §2 error when it has an id and a sender
 * to answer, and otherwise dropped with one log line.
 */
public final class RpcEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RpcEndpoint.class);
    static final String DIRECTOR = "director";
    static final String IAMALIVE = "__iamalive";

    private final String name;
    private final Set<String> channels;
    private final Dispatcher dispatcher;
    private final Transport transport;
    private final RpcOptions options;
    private final ScheduledThreadPoolExecutor timer;
    private final PendingCalls pending;
    private final EndpointClient client;
    private ScheduledFuture<?> heartbeat;
    private volatile boolean closed;

    /**
     * An endpoint for service {@code name}; nothing happens until {@link #start()}.
     *
     * @param channels the channels to subscribe and act on (the service's name first)
     */
    public RpcEndpoint(String name, Set<String> channels, Dispatcher dispatcher, Transport transport, RpcOptions options) {
        this.name = name;
        this.channels = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(channels));
        this.dispatcher = dispatcher;
        this.transport = transport;
        this.options = options;
        this.timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("band-rpc-timer").factory());
        this.timer.setRemoveOnCancelPolicy(true);
        this.pending = new PendingCalls(timer);
        this.client = new EndpointClient(name, transport, pending);
    }

    /**
     * Subscribes the channels and schedules the heartbeat.
     *
     * @return completes once the channels are subscribed
     */
    public CompletableFuture<Void> start() {
        transport.onConnectionChange(this::connectionChanged);
        CompletableFuture<Void> subscribed = transport.subscribe(channels, this::onMessage).toCompletableFuture();
        subscribed.thenRun(() -> log.info("Listening on channels {} ({})", String.join(", ", channels), transport.kind()));
        heartbeat = timer.scheduleAtFixedRate(this::sendHeartbeat, options.heartbeatDelay().toMillis(),
                options.heartbeatEvery().toMillis(), TimeUnit.MILLISECONDS);
        return subscribed;
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
    int pendingCalls() {
        return pending.size();
    }

    private void connectionChanged(boolean connected) {
        if (!connected) {
            pending.abortAll("connection to " + transport.peerName() + " lost");
        }
    }

    private void sendHeartbeat() {
        if (closed || !transport.isConnected()) {
            return;
        }
        ObjectNode params = Json.object().put("name", name);
        transport.publish(DIRECTOR, WireMessages.notification(DIRECTOR, IAMALIVE, name, params))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        log.debug("Heartbeat not sent: {}", error.getMessage());
                    }
                });
    }

    /** Every message of every subscribed channel arrives here, each on its own virtual thread. */
    void onMessage(String channel, String text) {
        try {
            handle(channel, text);
        } catch (RuntimeException e) {
            log.warn("Dropped a message on channel '{}': {}", channel, e.toString());
        }
    }

    private void handle(String channel, String text) {
        if (overLimit(text, options.maxMessageBytes())) {
            int size = utf8Length(text);
            reject(OversizePeek.peek(text), channel, RpcException.INVALID_REQUEST, "Invalid Request: message of "
                    + size + " bytes exceeds the limit of " + options.maxMessageBytes() + " bytes");
            return;
        }
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(text);
        } catch (Exception e) {
            log.warn("Dropped a message on channel '{}': not valid JSON: {}", channel, preview(text));
            return;
        }
        if (!(tree instanceof ObjectNode object)) {
            log.warn("Dropped a message on channel '{}': not a JSON object: {}", channel, preview(text));
            return;
        }
        Envelope message = Envelope.of(object);
        if (message.isResponse()) {
            if (!WireMessages.VERSION.equals(message.jsonrpc())) {
                log.warn("Dropped a response on channel '{}' from {}: \"jsonrpc\" is not \"2.0\"", channel, message.from());
                return;
            }
            pending.onResponse(message);
            return;
        }
        if (message.method() == null) {
            reject(message, channel, RpcException.INVALID_REQUEST, "Invalid Request: no method, result or error");
            return;
        }
        if (message.to() == null || !channels.contains(message.to())) {
            log.debug("Ignored {} on channel '{}': addressed to {}", message.method(), channel, message.to());
            return;
        }
        if (!WireMessages.VERSION.equals(message.jsonrpc())) {
            reject(message, channel, RpcException.INVALID_REQUEST, "Invalid Request: \"jsonrpc\" must be \"2.0\"");
            return;
        }
        JsonNode params = message.params();
        if (params != null && params.isArray()) {
            reject(message, channel, RpcException.INVALID_PARAMS,
                    "Invalid params: by-position (array) params are not supported, send an object");
            return;
        }
        if (params != null && !params.isNull() && !params.isObject()) {
            reject(message, channel, RpcException.INVALID_PARAMS,
                    "Invalid params: expected an object, got " + params.getNodeType().name().toLowerCase());
            return;
        }
        if (message.id() != null && message.from() == null) {
            log.warn("Dropped request {} on channel '{}': no sender (\"from\") to answer", message.method(), channel);
            return;
        }
        dispatch(message, params instanceof ObjectNode p ? p : Json.object());
    }

    private void dispatch(Envelope message, ObjectNode params) {
        CallContext context = new CallContext(message.from(), message.idText(), message.method(), transport.kind());
        CompletableFuture<Object> result;
        try {
            // both transports deliver every message on a virtual thread of its own: the call runs on it
            result = dispatcher.call(message.method(), params, context, Thread.currentThread().isVirtual());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((value, error) -> {
            if (message.id() == null) {
                if (error != null) {
                    log.debug("Notification {} from {} failed: {}", message.method(), message.from(), unwrap(error).getMessage());
                }
                return;
            }
            answer(message, value, error);
        });
    }

    private void answer(Envelope request, Object value, Throwable failure) {
        String reply;
        if (failure == null) {
            try {
                reply = WireMessages.result(request.id(), value instanceof JsonNode node ? node : Json.tree(value), name,
                        request.from());
            } catch (RuntimeException e) {
                log.warn("Result of {} for {} cannot be serialised: {}", request.method(), request.from(), e.toString());
                reply = WireMessages.error(request.id(), RpcException.INTERNAL_ERROR,
                        "Result of '" + request.method() + "' cannot be serialised to JSON", name, request.from());
            }
        } else {
            Throwable error = unwrap(failure);
            int code = error instanceof RpcException rpc ? rpc.code() : RpcException.INTERNAL_ERROR;
            String text = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
            reply = WireMessages.error(request.id(), code, text, name, request.from());
        }
        send(request.from(), reply);
    }

    /** Answers garbage with an error when it can be answered; otherwise one log line. */
    private void reject(Envelope message, String channel, int code, String why) {
        boolean addressedToUs = message != null && channels.contains(message.to() == null ? channel : message.to());
        if (message != null && message.id() != null && message.from() != null && addressedToUs) {
            log.warn("Rejected a message on channel '{}' from {}: {}", channel, message.from(), why);
            send(message.from(), WireMessages.error(message.id(), code, why, name, message.from()));
        } else {
            log.warn("Dropped a message on channel '{}': {}", channel, why);
        }
    }

    private void send(String to, String message) {
        transport.publish(to, message).whenComplete((ok, error) -> {
            if (error != null) {
                log.debug("Response to {} not sent: {}", to, error.getMessage());
            }
        });
    }

    private static Throwable unwrap(Throwable error) {
        while (error instanceof CompletionException && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }

    /** UTF-8 size without encoding the text. */
    private static int utf8Length(String text) {
        return countUtf8(text);
    }

    /** True when {@code text} is over {@code limit} bytes in UTF-8; counts only when it may be. */
    private static boolean overLimit(String text, int limit) {
        // a UTF-16 char is at most 3 UTF-8 bytes (a surrogate pair, 2 chars, is 4)
        return (long) text.length() * 3 > limit && utf8Length(text) > limit;
    }

    private static int countUtf8(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private static String preview(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 120) + "... (" + text.length() + " chars)";
    }

    /**
     * Stops the heartbeat, refuses new calls and fails every pending one with
     * {@link RpcException#UNAVAILABLE} ("service is shutting down"). Does not close the transport.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.close();
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        pending.abortAll("service is shutting down");
        timer.shutdownNow();
    }
}
