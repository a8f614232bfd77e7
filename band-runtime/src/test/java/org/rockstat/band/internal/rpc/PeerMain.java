package org.rockstat.band.internal.rpc;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.fixtures.JvmProcess;

/**
 * A Band service in its own JVM, for {@link CrossProcessTest}: {@code PeerMain <redis dsn> <name>}.
 * Prints {@code READY <http port>} once subscribed, runs until its stdin closes.
 */
public final class PeerMain {
    private static volatile RpcClient client;

    private PeerMain() {}

    /** The peer's own methods, besides {@link TestService}'s. */
    public static final class Peer extends TestService {
        public Peer(String name) {
            super(name);
        }

        /** Calls {@code service.whoami} back over the bus. */
        @Expose
        public Object callBack(String service) {
            return client.call(service, "whoami", Map.of(), Duration.ofSeconds(2));
        }
    }

    /** Starts peer {@code name} on {@code dsn} with {@code jvmFlags}; returns once it printed READY (30 s at most). */
    static JvmProcess start(String dsn, String name, String... jvmFlags) {
        JvmProcess peer = JvmProcess.launch(PeerMain.class, List.of(dsn, name), null, Map.of(), jvmFlags);
        try {
            peer.awaitLine("READY ", Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    public static void main(String[] args) throws IOException {
        String dsn = args[0];
        String name = args[1];
        try (ServiceFixture fixture = new ServiceFixture(name, new Peer(name), dsn, java.util.Map.of(), true)) {
            client = fixture.client();
            System.out.println("READY " + fixture.assembly.httpPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the test to close stdin
            }
        }
        System.exit(0);
    }
}
