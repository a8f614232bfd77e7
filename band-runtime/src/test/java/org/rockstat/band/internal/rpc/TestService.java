package org.rockstat.band.internal.rpc;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.rockstat.band.annotation.Enricher;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Listener;
import org.rockstat.band.call.CallContext;
import org.rockstat.band.call.Event;
import org.rockstat.band.call.Params;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.internal.EveryResult;

/** A service with one method of every kind the RPC tests need. */
public class TestService extends EveryResult {
    final String name;
    final ConcurrentLinkedQueue<Event> broadcasts = new ConcurrentLinkedQueue<>();
    final AtomicInteger counted = new AtomicInteger();
    volatile CountDownLatch gate = new CountDownLatch(0);

    public TestService(String name) {
        this.name = name;
    }

    @Handler(timeout = 150)
    public String slow() throws InterruptedException {
        Thread.sleep(10_000);
        return "late";
    }

    @Expose
    public int add(int a, int b) {
        return a + b;
    }

    @Expose
    public List<Object> list() {
        return List.of(1, "two", true);
    }

    @Expose
    public String whoami(CallContext context) {
        return context.caller() + "/" + context.transport();
    }

    @Expose
    public int count() {
        return counted.incrementAndGet();
    }

    @Expose
    public String reject() {
        throw RpcException.invalidParams("param 'x' is required");
    }

    @Expose
    public String held() throws InterruptedException {
        if (!gate.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gate never opened");
        }
        return "released";
    }

    @Enricher(keys = "in.gen.track", props = "ua=td.ua")
    public Map<String, Object> enrich(Params params) {
        return Map.of("by", name, "ua", String.valueOf(params.string("ua")));
    }

    @Listener
    public void onEvent(Event event) {
        broadcasts.add(event);
    }
}
