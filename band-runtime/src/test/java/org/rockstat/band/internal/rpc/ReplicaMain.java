package org.rockstat.band.internal.rpc;

import java.util.Map;

/**
 * One replica of service {@code <name>} in its own JVM, for {@link ReplicaProcessTest}:
 * {@code ReplicaMain <redis dsn> <name>}. Prints {@code READY <http port>} once it knows the
 * other replicas; SIGTERM drains it as a deployed service is drained (the shutdown hook stops it),
 * closing stdin does too.
 */
public final class ReplicaMain {
    private ReplicaMain() {}

    public static void main(String[] args) throws java.io.IOException {
        ServiceFixture fixture = new ServiceFixture(args[1], new ReplicaService(true), args[0], Map.of(), false);
        serve(fixture);
    }

    /**
     * Serves a started replica as a deployed one is served: {@code READY <http port>} once it knows
     * the other replicas, then until stdin closes or a signal stops the JVM (the shutdown hook
     * drains it).
     */
    static void serve(ServiceFixture fixture) throws java.io.IOException {
        // the machine is shared: connecting can take many seconds
        fixture.assembly
                .ready()
                .orTimeout(90, java.util.concurrent.TimeUnit.SECONDS)
                .join();
        Runtime.getRuntime().addShutdownHook(new Thread(fixture::close, "stop"));
        System.out.println("READY " + fixture.assembly.httpPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // runs until stdin closes or a signal stops the JVM
        }
        fixture.close();
        System.exit(0);
    }
}
