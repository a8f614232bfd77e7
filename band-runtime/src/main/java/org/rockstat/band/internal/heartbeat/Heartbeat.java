package org.rockstat.band.internal.heartbeat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.metrics.BandMetrics;
import org.rockstat.band.internal.report.RateLimitedLog;
import org.rockstat.band.internal.rpc.WireMessages;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.internal.transport.TransportListener;
import org.rockstat.band.internal.transport.TransportState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code __iamalive} notification to director (PROTOCOL §4.1), sent only while the service
 * can hear: the first as soon as the transport has proven its subscription (after
 * {@code delay}, 0 by default, so director learns of a deployed service at once and asks
 * {@code __status}), then every {@code every}; none while the transport is not
 * {@link TransportState#CONNECTED}, so director stops routing to a service that would answer
 * nothing. Heartbeats go ahead of queued answers. Readiness
 * ({@link org.rockstat.band.internal.health.Health}) reads the same transport state, so
 * {@code /__health/ready} says ready exactly while director hears beats.
 *
 * <pre>{@code
 * Heartbeat heartbeat = new Heartbeat("uaparser", transport, Duration.ZERO, Duration.ofSeconds(5));
 * heartbeat.start();
 * ...
 * heartbeat.close();
 * }</pre>
 */
public final class Heartbeat implements AutoCloseable {
    /** Director's channel. */
    public static final String DIRECTOR = "director";
    /** The heartbeat's method. */
    public static final String IAMALIVE = "__iamalive";

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final String name;
    private final Transport transport;
    private final Duration delay;
    private final Duration every;
    private final ScheduledThreadPoolExecutor timer;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong lastSentNanos = new AtomicLong();
    private final RateLimitedLog failures = new RateLimitedLog(log, Duration.ofSeconds(30));
    private final BandMetrics metrics;
    private ScheduledFuture<?> task;
    private boolean closed;

    /** A heartbeat for service {@code name}; nothing is sent until {@link #start()}. */
    public Heartbeat(String name, Transport transport, Duration delay, Duration every) {
        this(name, transport, delay, every, BandMetrics.NOOP);
    }

    /** Like {@link #Heartbeat(String, Transport, Duration, Duration)}; {@code metrics} hears the time between beats sent. */
    public Heartbeat(String name, Transport transport, Duration delay, Duration every, BandMetrics metrics) {
        this.metrics = metrics;
        this.name = name;
        this.transport = transport;
        this.delay = delay;
        this.every = every;
        this.timer = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().daemon().name("band-heartbeat").factory());
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /** Beats whenever the transport can hear, from now on. */
    public void start() {
        transport.addListener(new TransportListener() {
            @Override
            public void stateChanged(TransportState from, TransportState to) {
                if (to == TransportState.CONNECTED) {
                    resume();
                } else {
                    pause();
                }
            }
        });
        if (transport.isConnected()) {
            resume();
        }
    }

    private void resume() {
        lock.lock();
        try {
            if (!closed && task == null) {
                // fixed delay, as the Python band sleeps between beats: a late beat never causes a burst
                task = timer.scheduleWithFixedDelay(
                        this::beat, delay.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    private void pause() {
        lock.lock();
        try {
            if (task != null) {
                task.cancel(false);
                task = null;
            }
        } finally {
            lock.unlock();
        }
    }

    private void beat() {
        if (!transport.isConnected()) {
            return;
        }
        ObjectNode params = Json.object().put("name", name);
        transport
                .publishUrgent(DIRECTOR, WireMessages.notification(DIRECTOR, IAMALIVE, name, params))
                .whenComplete((receivers, error) -> {
                    if (error != null) {
                        failures.warn("heartbeat", "Heartbeat to director not sent: {}", error.getMessage());
                    } else {
                        sent.incrementAndGet();
                        long now = System.nanoTime();
                        long before = lastSentNanos.getAndSet(now);
                        metrics.heartbeatSent(before == 0 ? 0 : now - before);
                    }
                });
    }

    /** Heartbeats sent so far. */
    public long sent() {
        return sent.get();
    }

    /** {@link System#nanoTime()} of the last heartbeat sent, 0 before the first. */
    public long lastSentNanos() {
        return lastSentNanos.get();
    }

    /** Stops the beats for good. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        pause();
        timer.shutdownNow();
    }
}
