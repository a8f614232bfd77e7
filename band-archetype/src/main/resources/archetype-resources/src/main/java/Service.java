package ${package};

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.rockstat.band.Band;
import org.rockstat.band.annotation.Cleanup;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Worker;
import org.rockstat.band.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** ${title}: one handler, one worker and one cleanup to start from. */
public final class Service {
    private static final Logger log = LoggerFactory.getLogger(Service.class);
    private final String greeting;
    private final AtomicLong requests = new AtomicLong();
    private volatile boolean loaded;

    public Service(Settings settings) {
        greeting = settings.get("greeting", String.class, "Hello");
    }

    /** Front routes /${serviceName}/hello here; the event's fields bind by name. */
    @Handler
    public Map<String, Object> hello(String name) {
        return Map.of("text", greeting + " from ${serviceName}", "event", name, "requests", requests.incrementAndGet(),
                "loaded", loaded);
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
