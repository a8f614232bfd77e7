package org.rockstat.band.internal.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.internal.concurrent.Futures;
import org.rockstat.band.internal.metrics.BandMetrics;
import org.rockstat.band.internal.metrics.Outcome;
import org.rockstat.band.internal.report.Drops;
import org.rockstat.band.internal.report.WireText;
import org.rockstat.band.internal.trace.CallScope;
import org.rockstat.band.internal.trace.Trace;
import org.rockstat.band.internal.transport.Transport;

/**
 * The {@link RpcClient} of an endpoint: sends requests as {@code name} and waits in its pending
 * table. A publish that reached nobody (PUBLISH answered 0 subscribers) can never be answered, so
 * such a request fails at once ("no service 'x' is listening") instead of waiting its timeout, a
 * {@code requestAll} completes at once with nothing, and a notification to nobody is counted as a
 * drop ({@code unheard}). Each request's end (result, error, timeout, not sent) is told to the
 * metrics per target service and method. A call made while serving one (a handler's, a task
 * run's) carries that call's trace ({@link CallScope#current()}), so the callee's log lines share its trace id.
 */
final class EndpointClient implements RpcClient {
    private final String name;
    private final Transport transport;
    private final PendingCalls pending;
    private final Drops drops;
    private final BandMetrics metrics;
    private final IdGenerator ids = new IdGenerator();
    private volatile boolean closed;

    EndpointClient(String name, Transport transport, PendingCalls pending, Drops drops, BandMetrics metrics) {
        this.name = name;
        this.transport = transport;
        this.pending = pending;
        this.drops = drops;
        this.metrics = metrics;
    }

    @Override
    public CompletableFuture<Object> request(String service, String method, Object params, Duration timeout) {
        PendingCall.Single call;
        try {
            call = new PendingCall.Single(
                    ids.next(), require(service, "service"), require(method, "method"), millis(timeout));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new RpcException(RpcException.INVALID_PARAMS, e.getMessage()));
        }
        long started = System.nanoTime();
        send(call, service, params);
        return measured(call, call.future(), started);
    }

    /** The caller's future, which completes once the call's end is recorded (metrics on). */
    private <T> CompletableFuture<T> measured(PendingCall call, CompletableFuture<T> future, long started) {
        if (!metrics.enabled()) {
            return future;
        }
        return future.whenComplete((value, error) ->
                metrics.outgoing(call.service, call.method, Outcome.of(error), System.nanoTime() - started));
    }

    @Override
    public Object call(String service, String method, Object params, Duration timeout) {
        CompletableFuture<Object> future = request(service, method, params, timeout);
        try {
            // the pending call times out by itself; the extra second only guards against a lost timer
            long wait = timeout != null && timeout.toMillis() > 0 ? timeout.toMillis() : 0;
            return future.get(wait + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RpcException rpc
                    ? rpc
                    : new RpcException(
                            RpcException.INTERNAL_ERROR,
                            "Call " + service + "." + method + " failed: " + e.getCause(),
                            e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new RpcException(RpcException.UNAVAILABLE, "Call " + service + "." + method + " was interrupted");
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new RpcException(
                    RpcException.TIMEOUT,
                    "Call " + service + "." + method + " timed out after " + timeout.toMillis() + " ms");
        }
    }

    @Override
    public void notify(String service, String method, Object params) {
        ObjectNode body;
        try {
            body = ParamsCodec.toObject(params);
        } catch (IllegalArgumentException e) {
            throw new RpcException(
                    RpcException.INVALID_PARAMS, "Notification " + service + "." + method + ": " + e.getMessage());
        }
        // a notification has no answer to carry its failure: each one lost is counted and logged
        if (closed || !transport.isConnected()) {
            drops.drop(
                    "notification-unsent",
                    "Notification {}.{} not sent: not connected to {}",
                    service,
                    method,
                    transport.peerName());
            return;
        }
        transport
                .publish(service, WireMessages.notification(service, method, name, body, traceparent()))
                .whenComplete((receivers, error) -> {
                    if (error != null) {
                        drops.drop(
                                "notification-unsent",
                                "Notification {}.{} not sent: {}",
                                service,
                                method,
                                Futures.unwrap(error).getMessage());
                    } else if (receivers != null && receivers == 0) {
                        drops.drop(
                                "unheard",
                                "Notification {}.{} reached nobody: no service '{}' is listening",
                                WireText.of(service),
                                WireText.of(method),
                                WireText.of(service));
                    }
                });
    }

    @Override
    public CompletableFuture<Map<String, Object>> requestAll(
            String channel, String method, Object params, Set<String> services, Duration timeout) {
        PendingCall.Gather call;
        try {
            call = new PendingCall.Gather(
                    ids.next(),
                    require(channel, "channel"),
                    require(method, "method"),
                    millis(timeout),
                    services == null ? Set.of() : services);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new RpcException(RpcException.INVALID_PARAMS, e.getMessage()));
        }
        long started = System.nanoTime();
        send(call, channel, params);
        return measured(call, call.future(), started);
    }

    /** Registers the call, then publishes it; any failure to send ends the call at once. */
    private void send(PendingCall call, String channel, Object params) {
        String label = "Call " + call.service + "." + call.method;
        ObjectNode body;
        try {
            body = ParamsCodec.toObject(params);
        } catch (IllegalArgumentException e) {
            fail(call, new RpcException(RpcException.INVALID_PARAMS, label + ": " + e.getMessage()));
            return;
        }
        if (closed) {
            fail(call, new RpcException(RpcException.UNAVAILABLE, label + " failed: service is shutting down"));
            return;
        }
        if (!transport.isConnected()) {
            fail(
                    call,
                    new RpcException(
                            RpcException.UNAVAILABLE, label + " failed: not connected to " + transport.peerName()));
            return;
        }
        pending.add(call);
        byte[] message = WireMessages.request(call.id, channel, call.method, name, body, traceparent());
        transport.publish(channel, message).whenComplete((receivers, error) -> {
            if (error != null) {
                pending.abort(call.id, "not connected to " + transport.peerName() + " (" + error.getMessage() + ")");
            } else if (receivers != null && receivers == 0) {
                pending.unheard(call.id, channel);
            }
        });
    }

    /** The running call's trace as the callee's parent, or {@code null} outside a call. */
    private static String traceparent() {
        Trace current = CallScope.current();
        return current == null ? null : current.traceparent();
    }

    private static void fail(PendingCall call, RpcException error) {
        call.fail(error);
    }

    /** Refuses new calls; the endpoint aborts the pending ones. */
    void close() {
        closed = true;
    }

    private static String require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return value;
    }

    private static long millis(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        return timeout.toMillis();
    }
}
