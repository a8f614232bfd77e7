package org.rockstat.band.examples.store_debug;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.rockstat.band.Band;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.annotation.Listener;
import org.rockstat.band.call.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Listens to every event front broadcasts, logs it in one line and counts it (the Python store_debug). */
public final class StoreDebugService {
    private static final Logger log = LoggerFactory.getLogger(StoreDebugService.class);
    private final AtomicLong received = new AtomicLong();

    /** Every event, after front handled it. */
    @Listener
    public void broadcast(Event event) {
        long n = received.incrementAndGet();
        log.info(
                "Broadcast #{}: key={} service={} name={} id={}",
                n,
                event.key(),
                event.service(),
                event.name(),
                event.id());
    }

    /** How many events arrived. */
    @Expose
    public Map<String, Object> stats() {
        return Map.of("received", received.get());
    }

    public static void main(String[] args) {
        Band.run(args, new StoreDebugService());
    }
}
