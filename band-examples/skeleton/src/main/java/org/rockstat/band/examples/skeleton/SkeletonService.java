package org.rockstat.band.examples.skeleton;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.rockstat.band.Band;
import org.rockstat.band.annotation.Cleanup;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Worker;
import org.rockstat.band.config.Settings;
import org.rockstat.band.job.Schedule;

/** The seed's skeleton service: a little state, two handlers, a worker and a cleanup. */
public final class SkeletonService {
    private final AtomicLong counter;
    private final AtomicLong loop = new AtomicLong();
    private final Duration interval;
    private volatile boolean loaded;

    public SkeletonService(Settings settings) {
        counter = new AtomicLong(settings.get("initial_counter_value", Long.class, 0L));
        interval = Schedule.parseDuration(settings.get("loop_interval", String.class, "30s"));
    }

    /** What {@code main} returns. */
    public record State(long counter, boolean loaded, long loop) {}

    /** The service state. */
    @Handler
    public State main() {
        return new State(counter.get(), loaded, loop.get());
    }

    /** Counts requests. */
    @Handler
    public Map<String, Object> tick() {
        return Map.of("counter", counter.incrementAndGet());
    }

    /** Loads once, then advances {@code loop} every {@code loop_interval} until shutdown. */
    @Worker
    public void refresh() throws InterruptedException {
        for (long n = 0; ; n++) {
            loaded = true;
            loop.set(n);
            Thread.sleep(interval);
        }
    }

    /** Graceful shutdown. */
    @Cleanup
    public void unload() {
        loaded = false;
    }

    public static void main(String[] args) {
        Band.run(args, SkeletonService::new);
    }
}
