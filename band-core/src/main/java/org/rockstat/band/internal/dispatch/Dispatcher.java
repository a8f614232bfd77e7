package org.rockstat.band.internal.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.method.MethodDef;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.rpc.Call;
import org.rockstat.band.rpc.CallContext;
import org.rockstat.band.rpc.MethodSpec;
import org.rockstat.band.rpc.Params;
import org.rockstat.band.rpc.RpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a decoded call becomes a result, shared by every transport (HTTP, Redis,
 * in-memory). Each call runs on its own virtual thread, so service code may block; a cap on
 * calls in flight answers "overloaded" at once instead of queueing without bound; a handler's
 * timeout interrupts it and answers "timed out".
 *
 * <p>The returned future completes with the method's result (a plain value, a
 * {@link org.rockstat.band.rpc.Response} or {@code null}) or fails with an {@link RpcException}
 * carrying the JSON-RPC code: never with another exception type, never with a stack trace meant
 * for the wire.
 */
public final class Dispatcher implements AutoCloseable {
    /** Default cap on calls in flight, as the Python scheduler's job limit. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 200;
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final ServiceModel model;
    private final ServiceStatus status;
    private final int maxInFlight;
    private final Semaphore permits;
    private final ThreadFactory threads = Thread.ofVirtual().name("band-call-", 0).factory();
    private final ScheduledExecutorService timer;
    private volatile boolean closed;

    /** A dispatcher over a frozen model. */
    public Dispatcher(ServiceModel model, ServiceStatus status, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.model = model;
        this.status = status;
        this.maxInFlight = maxInFlight;
        this.permits = new Semaphore(maxInFlight);
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("band-timeouts").factory());
    }

    /** The model this dispatcher serves. */
    public ServiceModel model() {
        return model;
    }

    /** Calls running now. */
    public int inFlight() {
        return maxInFlight - permits.availablePermits();
    }

    /**
     * Runs {@code method} with {@code params} ({@code null} means {@code {}}).
     *
     * @return the result, or a failure with an {@link RpcException}
     */
    public CompletableFuture<Object> call(String method, ObjectNode params, CallContext context) {
        return call(method, params, context, false);
    }

    /**
     * Like {@link #call(String, ObjectNode, CallContext)}; with {@code onCallerThread} the method
     * runs on the calling thread instead of a new virtual thread. Only for a caller that is a
     * virtual thread started for this one message (the transports deliver each message so): the
     * call still has a virtual thread of its own, without a second hand-off; a timeout interrupts
     * that thread. The future is complete when this returns, unless the method returned a
     * {@link CompletionStage} that is not.
     */
    public CompletableFuture<Object> call(String method, ObjectNode params, CallContext context, boolean onCallerThread) {
        if (ServiceModel.STATUS.equals(method)) {
            return CompletableFuture.completedFuture(status.response());
        }
        if (closed) {
            return CompletableFuture.failedFuture(new RpcException(RpcException.UNAVAILABLE, "Service is shutting down"));
        }
        Call call = new Call(Params.of(params == null ? Json.object() : params), context);
        if (MethodSpec.BROADCAST.equals(method) && !model.listeners().isEmpty()) {
            return guarded(method, () -> broadcast(call));
        }
        MethodDef def = model.method(method).orElse(null);
        if (def == null) {
            return CompletableFuture.failedFuture(RpcException.methodNotFound(method));
        }
        if (onCallerThread) {
            return guarded(method, () -> runHere(def, call));
        }
        return guarded(method, () -> {
            CompletableFuture<Object> result = run(def, call);
            long timeout = def.spec().timeoutMillis();
            return timeout > 0 ? withTimeout(result, def, timeout) : result;
        });
    }

    private CompletableFuture<Object> guarded(String method, java.util.function.Supplier<CompletableFuture<Object>> body) {
        if (!permits.tryAcquire()) {
            return CompletableFuture.failedFuture(new RpcException(RpcException.OVERLOADED,
                    "Service overloaded: " + maxInFlight + " calls in flight, try again later"));
        }
        CompletableFuture<Object> result;
        try {
            result = body.get();
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
        result.whenComplete((value, error) -> permits.release());
        return result;
    }

    /** Starts the method on a new virtual thread. */
    private CompletableFuture<Object> run(MethodDef def, Call call) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        Thread thread = threads.newThread(() -> invoke(def, call, result));
        interruptOnTimeout(result, thread);
        thread.start();
        return result;
    }

    /** Runs the method on the current thread; the timeout (armed first) interrupts this thread. */
    private CompletableFuture<Object> runHere(MethodDef def, Call call) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        long timeout = def.spec().timeoutMillis();
        if (timeout > 0) {
            withTimeout(result, def, timeout);
            interruptOnTimeout(result, Thread.currentThread());
        }
        try {
            invoke(def, call, result);
        } finally {
            if (timeout > 0 && result.isDone()) {
                // a timeout may have interrupted us after the method returned: the thread goes on answering
                Thread.interrupted();
            }
        }
        return result;
    }

    /** Calls the method and completes {@code result} with what it returns, or its failure. */
    private static void invoke(MethodDef def, Call call, CompletableFuture<Object> result) {
        try {
            Object value = def.handler().handle(call);
            if (value instanceof CompletionStage<?> stage) {
                stage.whenComplete((v, e) -> complete(result, def, v, e));
            } else {
                result.complete(value);
            }
        } catch (Throwable e) {
            complete(result, def, null, e);
        }
    }

    private static void interruptOnTimeout(CompletableFuture<Object> result, Thread thread) {
        result.whenComplete((value, error) -> {
            if (error instanceof RpcException rpc && rpc.code() == RpcException.TIMEOUT) {
                thread.interrupt();
            }
        });
    }

    private CompletableFuture<Object> withTimeout(CompletableFuture<Object> result, MethodDef def, long millis) {
        var task = timer.schedule(() -> result.completeExceptionally(new RpcException(RpcException.TIMEOUT,
                "Method '" + def.name() + "' timed out after " + millis + " ms")), millis, TimeUnit.MILLISECONDS);
        result.whenComplete((value, error) -> task.cancel(false));
        return result;
    }

    /** Every listener whose key filter matches, each on its own virtual thread. */
    private CompletableFuture<Object> broadcast(Call call) {
        JsonNode keyNode = call.params().node("key");
        String key = keyNode == null ? "" : keyNode.asText();
        List<CompletableFuture<Object>> runs = new ArrayList<>();
        for (MethodDef listener : model.listeners()) {
            List<String> keys = listener.spec().keys();
            if (keys.isEmpty() || keys.stream().anyMatch(key::startsWith)) {
                runs.add(run(listener, call));
            }
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
                .handle((ignored, error) -> {
                    if (error != null) {
                        throw error instanceof CompletionException ce ? ce : new CompletionException(error);
                    }
                    return null;
                });
    }

    private static void complete(CompletableFuture<Object> result, MethodDef def, Object value, Throwable error) {
        if (error == null) {
            result.complete(value);
            return;
        }
        result.completeExceptionally(toRpc(def, unwrap(error)));
    }

    private static Throwable unwrap(Throwable error) {
        while ((error instanceof CompletionException || error instanceof java.util.concurrent.ExecutionException)
                && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }

    private static RpcException toRpc(MethodDef def, Throwable error) {
        if (error instanceof RpcException rpc) {
            log.debug("Method '{}' ({}) answered error {}: {}", def.name(), def.source(), rpc.code(), rpc.getMessage());
            return rpc;
        }
        if (error instanceof InterruptedException) {
            return new RpcException(RpcException.UNAVAILABLE, "Method '" + def.name() + "' was interrupted");
        }
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        log.warn("Method '{}' ({}) failed: {}: {}", def.name(), def.source(), error.getClass().getName(), message);
        log.debug("Stack trace of the failure in {}", def.source(), error);
        return new RpcException(RpcException.INTERNAL_ERROR, message, error);
    }

    /** Refuses new calls; calls in flight finish. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
