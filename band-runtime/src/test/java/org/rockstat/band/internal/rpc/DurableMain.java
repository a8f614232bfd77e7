package org.rockstat.band.internal.rpc;

import java.nio.file.Path;
import java.util.Map;

/**
 * One replica of a service with a durable listener in its own JVM, for
 * {@link DurableProcessTest}: {@code DurableMain <redis dsn> <name> <log file> <work ms> <max_len> <claim_idle_ms>}.
 * Each event its listener stored is a line of the log file. Prints {@code READY <http port>} once
 * it knows the other replicas; runs until killed or stdin closes.
 */
public final class DurableMain {
    private DurableMain() {}

    public static void main(String[] args) throws java.io.IOException {
        DurableService service = new DurableService(Long.parseLong(args[3]), Path.of(args[2]));
        ServiceFixture fixture = new ServiceFixture(
                args[1],
                service,
                args[0],
                Map.of(),
                Map.of(
                        "durable",
                        Map.of(
                                "claim_idle_ms",
                                Integer.parseInt(args[5]),
                                "max_deliveries",
                                3,
                                "max_len",
                                Integer.parseInt(args[4]))),
                false);
        ReplicaMain.serve(fixture);
    }
}
