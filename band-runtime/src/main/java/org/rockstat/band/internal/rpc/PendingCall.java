package org.rockstat.band.internal.rpc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.rockstat.band.call.RpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request waiting for its response(s). Each subtype decides when it is done; whatever ends it
 * first runs the release hook ({@link PendingCalls} removes the entry there) and only then
 * completes the caller's future, so a caller that sees the result never sees the entry.
 */
abstract sealed class PendingCall permits PendingCall.Single, PendingCall.Gather {
    private static final Logger log = LoggerFactory.getLogger(PendingCall.class);

    final String id;
    final String service;
    final String method;
    final long timeoutMillis;

    private volatile Runnable release = () -> {};

    PendingCall(String id, String service, String method, long timeoutMillis) {
        this.id = id;
        this.service = service;
        this.method = method;
        this.timeoutMillis = timeoutMillis;
    }

    /** What to do just before the caller's future completes (set by the table). */
    void onRelease(Runnable hook) {
        this.release = hook;
    }

    /** Releases the entry, then completes the future. */
    final void settle(Runnable completion) {
        release.run();
        completion.run();
    }

    /** Fails the call (before or after it was registered). */
    abstract void fail(RpcException error);

    /** A response with this call's id arrived. */
    abstract void onResponse(Envelope response);

    /** The timeout passed. */
    abstract void expire();

    /** The call cannot be answered any more (connection lost, shutting down). */
    abstract void abort(String why);

    /** The request reached nobody: no subscriber on {@code channel}, so no answer can ever come. */
    abstract void unheard(String channel);

    /** The future the caller holds. */
    abstract CompletableFuture<?> future();

    /** One callee, one response. */
    static final class Single extends PendingCall {
        private final CompletableFuture<Object> future = new CompletableFuture<>();

        Single(String id, String service, String method, long timeoutMillis) {
            super(id, service, method, timeoutMillis);
        }

        @Override
        void onResponse(Envelope response) {
            if (response.error() != null) {
                fail(ResultDecoder.error(service, method, response.error()));
            } else {
                Object value = ResultDecoder.decode(response.result());
                settle(() -> future.complete(value));
            }
        }

        @Override
        void expire() {
            fail(new RpcException(
                    RpcException.TIMEOUT,
                    "Call " + service + "." + method + " timed out after " + timeoutMillis + " ms"));
        }

        @Override
        void abort(String why) {
            fail(new RpcException(RpcException.UNAVAILABLE, "Call " + service + "." + method + " failed: " + why));
        }

        @Override
        void unheard(String channel) {
            fail(new RpcException(
                    RpcException.UNAVAILABLE,
                    "Call " + service + "." + method + " failed: no service '" + channel + "' is listening"));
        }

        @Override
        void fail(RpcException error) {
            settle(() -> future.completeExceptionally(error));
        }

        @Override
        CompletableFuture<Object> future() {
            return future;
        }
    }

    /**
     * One request on a shared channel, answered by several services: results are collected by
     * the response's {@code from} until every expected service answered; a timeout, a lost
     * connection or shutdown completes with what arrived.
     */
    static final class Gather extends PendingCall {
        private final Set<String> expected;
        private final Map<String, Object> results = new LinkedHashMap<>();
        private final Set<String> answered = new java.util.HashSet<>();
        private final CompletableFuture<Map<String, Object>> future = new CompletableFuture<>();
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();

        Gather(String id, String channel, String method, long timeoutMillis, Set<String> expected) {
            super(id, channel, method, timeoutMillis);
            this.expected = Set.copyOf(expected);
        }

        @Override
        void onResponse(Envelope response) {
            String from = response.from() == null ? "?" : response.from();
            if (!expected.isEmpty() && !expected.contains(from)) {
                log.debug("Ignored {}'s answer to {}.{}: not one of {}", from, service, method, expected);
                return;
            }
            // decoded before taking the lock: responses arrive on virtual threads of their own
            Object value = response.error() == null ? ResultDecoder.decode(response.result()) : null;
            boolean complete;
            lock.lock();
            try {
                if (!answered.add(from)) {
                    return;
                }
                if (response.error() != null) {
                    log.debug("{} answered {}.{} with an error: {}", from, service, method, response.error());
                } else {
                    results.put(from, value);
                }
                complete = !expected.isEmpty() && answered.containsAll(expected);
            } finally {
                lock.unlock();
            }
            if (complete) {
                finish();
            }
        }

        @Override
        void expire() {
            finish();
        }

        @Override
        void abort(String why) {
            finish();
        }

        @Override
        void unheard(String channel) {
            log.debug("{}.{} reached no subscriber of '{}': nothing to collect", service, method, channel);
            finish();
        }

        private void finish() {
            Map<String, Object> collected;
            lock.lock();
            try {
                collected = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(results));
            } finally {
                lock.unlock();
            }
            settle(() -> future.complete(collected));
        }

        @Override
        void fail(RpcException error) {
            settle(() -> future.completeExceptionally(error));
        }

        @Override
        CompletableFuture<Map<String, Object>> future() {
            return future;
        }
    }
}
