package org.rockstat.band;

import java.util.Map;
import org.rockstat.band.config.Settings;

/** Services as the tests of the launcher start them: on a free port, heartbeats every 200 ms. */
public final class TestServices {
    private TestServices() {}

    /** {@code service} as service {@code name} on {@code dsn} ({@code ""}: the in-process bus), started, not yet ready. */
    public static RunningService start(String name, String dsn, Object service) {
        return Band.create(Settings.of(Map.of(
                        "name",
                        name,
                        "listen",
                        "127.0.0.1:0",
                        "redis_dsn",
                        dsn,
                        "rpc",
                        Map.of("heartbeat_delay_ms", 100, "heartbeat_every_ms", 200))))
                .service(service)
                .start();
    }
}
