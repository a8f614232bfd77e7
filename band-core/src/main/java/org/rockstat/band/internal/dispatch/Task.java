package org.rockstat.band.internal.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rockstat.band.call.Call;
import org.rockstat.band.internal.registry.MethodDef;
import org.rockstat.band.internal.trace.CallScope;

/** One call on its way through a bulkhead: the method, its call, the answer, and its thread once running. */
final class Task {
    private static final VarHandle SETTLED;

    static {
        try {
            SETTLED = MethodHandles.lookup().findVarHandle(Task.class, "settled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final MethodDef def;
    final Call call;
    final Bulkhead bulkhead;
    final CompletableFuture<Object> result = new CompletableFuture<>();
    final long receivedNanos;
    /** How long the caller is known to wait, in nanoseconds; 0 when unknown. */
    final long waitNanos;
    /** What the call's log lines carry, and the trace its own calls continue. */
    final CallScope.Labels labels;

    final AtomicBoolean ended = new AtomicBoolean();
    volatile Thread thread;
    volatile boolean abandoned;
    /** Set before its answer when it was shed, so the metrics tell shed from overloaded. */
    boolean shed;
    /** Set by whoever answers the call when metrics are on: only that one records it. */
    @SuppressWarnings("UnusedVariable") // written through SETTLED
    private volatile boolean settled;

    Task(MethodDef def, Call call, Bulkhead bulkhead, long waitNanos, long receivedNanos, CallScope.Labels labels) {
        this.labels = labels;
        this.receivedNanos = receivedNanos;
        this.def = def;
        this.call = call;
        this.bulkhead = bulkhead;
        this.waitNanos = waitNanos;
    }

    /** True for the first caller only: that one answers the call and records it. */
    boolean settle() {
        return SETTLED.compareAndSet(this, false, true);
    }

    /** True once the caller is known to have stopped waiting. */
    boolean callerGone(long now) {
        return waitNanos > 0 && now - receivedNanos > waitNanos;
    }
}
