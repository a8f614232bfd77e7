package ${package};

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.rockstat.band.Band;
import org.rockstat.band.annotation.Cleanup;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Task;
import org.rockstat.band.annotation.Worker;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** ${title}: a handler, an exposed method, a task, a worker and a cleanup to start from. */
public final class Service {
    private static final Logger log = LoggerFactory.getLogger(Service.class);
    private final String name;
    private final String greeting;
    private final AtomicLong requests = new AtomicLong();
    private volatile boolean loaded;

    public Service(Settings settings) {
        name = settings.name();
        greeting = settings.get("greeting", String.class, "Hello");
    }

    /**
     * Front routes /${serviceName}/hello here, and the service answers GET /hello itself. Params bind
     * by name (from the query string over HTTP, from front's event otherwise); Optional when they
     * may be missing.
     */
    @Handler
    public Hello hello(Optional<String> who) {
        return new Hello(greeting + ", " + who.orElse("world") + "!", requests.incrementAndGet(), loaded);
    }

    /** A record renders as a JSON object with its fields in this order. */
    public record Hello(String text, long requests, boolean loaded) {}

    /** Other services call it by name (and GET /stats answers it); front does not route to it. */
    @Expose
    public Stats stats() {
        return new Stats(requests.get(), loaded);
    }

    public record Stats(long requests, boolean loaded) {}

    /**
     * At the start of every minute (cron = "* * * * *"; or every = "30s"), tells the stats service
     * how many requests this one served: a notification, so nothing waits for an answer and nothing
     * fails when no such service runs.
     */
    @Task(cron = "* * * * *")
    public void report(RpcClient rpc) {
        rpc.notify("stats", "requests", Map.of("service", name, "count", requests.get()));
    }

    /** Loads what the service needs, then keeps it fresh until shutdown. */
    @Worker
    public void load() throws InterruptedException {
        while (true) {
            loaded = true;
            Thread.sleep(Duration.ofMinutes(5));
        }
    }

    /** Releases resources at shutdown. */
    @Cleanup
    public void unload() {
        loaded = false;
        log.info("Served {} requests", requests.get());
    }

    public static void main(String[] args) {
        Band.run(args, Service::new);
    }
}
