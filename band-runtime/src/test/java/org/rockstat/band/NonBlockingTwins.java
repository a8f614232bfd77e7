package org.rockstat.band;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.call.RpcException;
import org.slf4j.MDC;

/**
 * The same methods twice, for the tests of the fast path over HTTP and over Redis:
 * {@code <name>} may block, {@code <name>Fast} declares it does not. Each records the thread it
 * ran on, so a test can tell the event loop from a virtual thread.
 */
public final class NonBlockingTwins {
    public final AtomicReference<Thread> fastThread = new AtomicReference<>();
    public final AtomicReference<Thread> blockingThread = new AtomicReference<>();
    public final AtomicReference<String> fastMdc = new AtomicReference<>();
    /** What {@link #heldFast} answers, once the test completes it. */
    public final CompletableFuture<String> held = new CompletableFuture<>();
    /** The thread {@link #heldFast} ran on, once it has. */
    public final CompletableFuture<Thread> heldRan = new CompletableFuture<>();
    /** What {@link #neverFast} answers: only when the test completes it, long after its timeout. */
    public final CompletableFuture<String> late = new CompletableFuture<>();

    @Handler
    public Map<String, Object> hello(String who) {
        blockingThread.set(Thread.currentThread());
        return Map.of("hello", who);
    }

    @Handler(blocking = false)
    public Map<String, Object> helloFast(String who) {
        fastThread.set(Thread.currentThread());
        fastMdc.set(MDC.get("call.method"));
        return Map.of("hello", who);
    }

    @Handler
    public Object fail() {
        throw new IllegalStateException("database is down");
    }

    @Handler(blocking = false)
    public Object failFast() {
        throw new IllegalStateException("database is down");
    }

    @Handler
    public Object refuse() {
        throw new RpcException(RpcException.INVALID_PARAMS, "no such campaign");
    }

    @Handler(blocking = false)
    public Object refuseFast() {
        throw new RpcException(RpcException.INVALID_PARAMS, "no such campaign");
    }

    @Handler(timeout = 50)
    public Object never() throws InterruptedException {
        Thread.sleep(Duration.ofMinutes(1));
        return null;
    }

    @Handler(timeout = 50, blocking = false)
    public CompletionStage<String> neverFast() {
        fastThread.set(Thread.currentThread());
        return late;
    }

    /** Answers when the test completes {@link #held}, off the event loop. */
    @Handler(blocking = false)
    public CompletionStage<String> heldFast() {
        heldRan.complete(Thread.currentThread());
        return held;
    }
}
