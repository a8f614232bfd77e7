package org.rockstat.band.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Pair 5's peer: a Moleculer 0.15 node ({@code echo-service.js}, action {@code debug.data} answers
 * its params) and a Moleculer client node ({@code load-client.js}) in two Node.js processes, over
 * the bench's redis-server with Moleculer's Redis transporter. Both scripts are ours, in
 * {@code band-bench/src/peer-moleculer}; {@code make bench-build} installs them with the pinned
 * {@code package-lock.json} into {@link #DIR}.
 */
final class MoleculerPeer implements AutoCloseable {
    static final Path DIR = Path.of("band-bench", "target", "peer-moleculer");
    static final String SERVER_NODE = "bench-mol-svc";

    private final String redisUrl;
    private final PeerProcess server;
    private final PeerProcess client;
    private int started;

    /** Why the peer cannot run here, or null when it can. */
    static String unavailable() {
        if (!onPath("node")) {
            return "node not found (install Node.js 20+ and npm, then run make bench again)";
        }
        if (!Files.isDirectory(DIR.resolve("node_modules").resolve("moleculer"))) {
            return "Moleculer is not installed in " + DIR + " (make bench-build installs it with npm ci)";
        }
        return null;
    }

    private static boolean onPath(String command) {
        return ProcStat.output(command, "--version") != null;
    }

    static String version() throws Exception {
        String pkg = Files.readString(DIR.resolve("node_modules/moleculer/package.json"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"")
                .matcher(pkg);
        String node = ProcStat.output("node", "--version");
        return "Moleculer " + (m.find() ? m.group(1) : "?") + " on Node.js " + node;
    }

    MoleculerPeer(String dsn) throws Exception {
        // Moleculer's transporter takes the URL without Band's /db suffix (pub/sub ignores the db)
        redisUrl = dsn.replaceFirst("/\\d+$", "");
        server = startServer(SERVER_NODE);
        server.awaitReady();
        client =
                new PeerProcess("moleculer-client", node("load-client.js", "bench-mol-cli", SERVER_NODE), DIR.toFile());
        client.awaitReady();
    }

    private List<String> node(String script, String nodeId, String... more) {
        List<String> cmd = new java.util.ArrayList<>(List.of("node", script, redisUrl, nodeId));
        cmd.addAll(List.of(more));
        return cmd;
    }

    private PeerProcess startServer(String nodeId) throws Exception {
        return new PeerProcess("moleculer", node("echo-service.js", nodeId), DIR.toFile());
    }

    long serverPid() {
        return server.pid();
    }

    /** Sequential calls; {p50, p99} in microseconds, timed by the client. */
    double[] latency(int calls, int payloadBytes) throws Exception {
        client.send("lat " + calls + " " + payloadBytes);
        String[] r = client.await("LAT", 120).split(" ");
        return new double[] {Double.parseDouble(r[0]), Double.parseDouble(r[1])};
    }

    /** Closed loop with {@code inFlight} calls outstanding; the server's CPU is read when the client opens and closes the window. */
    RpcPair.Load throughput(int inFlight, long warmupMs, long windowMs, int payloadBytes) throws Exception {
        client.send("tp " + inFlight + " " + warmupMs + " " + windowMs + " " + payloadBytes);
        long wait = TimeUnit.MILLISECONDS.toSeconds(warmupMs + windowMs) + 30;
        client.await("WINDOW", wait);
        double cpu0 = ProcStat.cpuSeconds(server.pid());
        String[] r = client.await("DONE", wait).split(" ");
        double cpu1 = ProcStat.cpuSeconds(server.pid());
        long calls = Long.parseLong(r[0]);
        long errors = Long.parseLong(r[2]);
        if (errors > 0) {
            System.err.println("  moleculer throughput at " + inFlight + " in flight: " + errors + " failed calls");
        }
        return new RpcPair.Load(
                calls * 1e9 / Long.parseLong(r[1]), calls == 0 ? Double.NaN : (cpu1 - cpu0) * 1e6 / calls);
    }

    /**
     * Starts one more server node and returns process start → its first answered call from the
     * running client, in ms (the client polls every 2 ms, as the bench polls Band).
     */
    double startupMs() throws Exception {
        started++;
        String nodeId = SERVER_NODE + "-start" + started;
        client.send("first " + nodeId + " 30000");
        try (PeerProcess fresh = startServer(nodeId)) {
            String r = client.await("FIRST", 40);
            if (!r.isEmpty()) {
                throw new IllegalStateException("moleculer node " + nodeId + " did not answer within 30 s");
            }
            return (System.nanoTime() - fresh.startedNanos) / 1e6;
        }
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
