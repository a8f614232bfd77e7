package org.rockstat.band.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.annotation.Task;
import org.rockstat.band.annotation.Worker;
import org.rockstat.band.call.CallContext;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.client.RpcClient;

/** A service that calls a peer ({@code geo}), exposes methods, and has tasks and workers: what the testkit is tried on. */
public final class Shop {
    static final Duration GEO_TIMEOUT = Duration.ofMillis(300);

    final List<Instant> reports = new CopyOnWriteArrayList<>();
    final List<Instant> refreshes = new CopyOnWriteArrayList<>();
    final AtomicBoolean failNextRefresh = new AtomicBoolean();
    final AtomicInteger onceRuns = new AtomicInteger();
    final CountDownLatch stopLoading = new CountDownLatch(1);
    volatile Object rates;

    /** The price in the caller's country, from {@code geo.lookup}; geo's errors reach the caller. */
    @Expose
    public Map<String, Object> price(String ip, RpcClient rpc) {
        Map<?, ?> geo = (Map<?, ?>) rpc.call("geo", "lookup", Map.of("ip", ip), Duration.ofSeconds(5));
        return Map.of("country", geo.get("country"), "eur", "NL".equals(geo.get("country")) ? 10 : 12);
    }

    /** Like price, but a slow geo means "unknown" rather than an error. */
    @Expose
    public Map<String, Object> quickPrice(String ip, RpcClient rpc) {
        try {
            Map<?, ?> geo = (Map<?, ?>) rpc.call("geo", "lookup", Map.of("ip", ip), GEO_TIMEOUT);
            return Map.of("country", geo.get("country"));
        } catch (RpcException e) {
            if (e.code() != RpcException.TIMEOUT) {
                throw e;
            }
            return Map.of("country", "unknown");
        }
    }

    /** Calls any geo method: for answers a test adds. */
    @Expose
    public Object relay(String method, RpcClient rpc) {
        return rpc.call("geo", method, Map.of("from", "shop"), Duration.ofSeconds(5));
    }

    /** Tells geo it saw an ip; nothing is answered. */
    @Expose
    public String seen(String ip, RpcClient rpc) {
        rpc.notify("geo", "seen", Map.of("ip", ip));
        return "ok";
    }

    /** A typed result. */
    public record Total(int sum, String currency) {}

    @Expose
    public Total sum(int a, int b) {
        return new Total(a + b, "EUR");
    }

    @Expose
    public String whoami(CallContext context) {
        return context.caller();
    }

    @Expose
    public String now(Clock clock) {
        return clock.instant().toString();
    }

    /** Every minute: fetches rates from geo. */
    @Task(every = "1m")
    public void refresh(Clock clock, RpcClient rpc) {
        if (failNextRefresh.getAndSet(false)) {
            throw new IllegalStateException("rates feed is down");
        }
        rates = rpc.call("geo", "rates", Map.of(), Duration.ofSeconds(5));
        refreshes.add(clock.instant());
    }

    /** At 09:00 in the clock's zone. */
    @Task(cron = "0 9 * * *")
    public void report(Clock clock) {
        reports.add(clock.instant());
    }

    /** Loads, then waits until shutdown. */
    @Worker
    public void load() throws InterruptedException {
        stopLoading.await();
    }

    /** Runs once and ends. */
    @Worker
    public void once() {
        onceRuns.incrementAndGet();
    }

    /** Fails at once. */
    @Worker
    public void broken() throws java.io.IOException {
        throw new java.io.IOException("disk full");
    }
}
