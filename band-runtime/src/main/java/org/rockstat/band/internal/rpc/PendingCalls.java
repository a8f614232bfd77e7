package org.rockstat.band.internal.rpc;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The table of requests waiting for responses, by id. It never leaks: an entry leaves the table
 * when its future completes, however that happens (response, timeout, abort, or the caller
 * cancelling it), and its timeout task is cancelled then.
 */
final class PendingCalls {
    private static final Logger log = LoggerFactory.getLogger(PendingCalls.class);
    private final Map<String, PendingCall> table = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    PendingCalls(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Adds a call and starts its timeout. */
    void add(PendingCall call) {
        AtomicReference<ScheduledFuture<?>> timeout = new AtomicReference<>();
        call.onRelease(() -> {
            table.remove(call.id, call);
            ScheduledFuture<?> scheduled = timeout.get();
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        });
        table.put(call.id, call);
        try {
            timeout.set(timer.schedule(call::expire, call.timeoutMillis, TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            call.abort("service is shutting down");
        }
    }

    /** Routes a response to its call; responses for ids not waited for are ignored. */
    void onResponse(Envelope response) {
        String id = response.idText();
        PendingCall call = id == null ? null : table.get(id);
        if (call == null) {
            log.debug("Ignored a response for id {} from {}: no call waits for it", id, response.from());
            return;
        }
        call.onResponse(response);
    }

    /** Ends the call with this id as undeliverable (e.g. its publish failed). */
    void abort(String id, String why) {
        PendingCall call = table.get(id);
        if (call != null) {
            call.abort(why);
        }
    }

    /** Ends the call with this id at once: its request reached no subscriber of {@code channel}. */
    void unheard(String id, String channel) {
        PendingCall call = table.get(id);
        if (call != null) {
            call.unheard(channel);
        }
    }

    /** Ends every waiting call: {@code why} says what happened ("connection to Redis lost"). */
    void abortAll(String why) {
        List<PendingCall> calls = List.copyOf(table.values());
        if (!calls.isEmpty()) {
            log.debug("Aborting {} pending calls: {}", calls.size(), why);
        }
        calls.forEach(call -> call.abort(why));
    }

    /** Calls waiting now. */
    int size() {
        return table.size();
    }
}
