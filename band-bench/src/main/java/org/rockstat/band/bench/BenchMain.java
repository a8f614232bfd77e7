package org.rockstat.band.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.rockstat.band.fixtures.RedisServerExtension;

/**
 * {@code make bench} / {@code make bench-quick}: starts its own redis-server, runs every pair
 * interleaved (raw, Band, raw, Band...), prints the table and writes
 * {@code band-bench/target/bench-results.json}. Each figure is the median over rounds, the ratio is
 * band median / raw median, and the spread is (max - min) / median over the rounds.
 */
public final class BenchMain {
    /** The same flags for every peer JVM, raw or Band. */
    static final List<String> PEER_JVM_FLAGS = Runtime.version().feature() >= 23
            ? List.of("-XX:+UseSerialGC", "--sun-misc-unsafe-memory-access=allow")
            : List.of("-XX:+UseSerialGC");

    /** How much of everything to do. */
    record Plan(
            String name,
            int rounds,
            int latencyCalls,
            long tpWarmupMs,
            long tpWindowMs,
            double httpWarmupS,
            double httpWindowS,
            int startupRounds,
            int jmhRounds,
            int jmhWarmups,
            int jmhIterations,
            long jmhIterationMs) {
        static final Plan FULL = new Plan("full", 3, 20_000, 2_000, 5_000, 2, 5, 5, 3, 3, 5, 1000);
        static final Plan QUICK = new Plan("quick", 1, 3_000, 200, 600, 1, 1, 1, 1, 2, 2, 200);
    }

    private static final int[] IN_FLIGHT = System.getenv("BENCH_INFLIGHT") == null
            ? new int[] {1, 16, 64, 256}
            : java.util.Arrays.stream(System.getenv("BENCH_INFLIGHT").split(","))
                    .filter(x -> !x.isBlank())
                    .mapToInt(x -> Integer.parseInt(x.trim()))
                    .toArray();
    private static final int[] HTTP_CONNECTIONS = {1, 64};
    /** {@code BenchService.pingNonBlocking}: {@code /ping} declared non-blocking. */
    private static final String NON_BLOCKING_PATH = "/ping-nb";

    private static final String NON_BLOCKING_NOTE = "band column = GET " + NON_BLOCKING_PATH
            + ", the same method as /ping declared @Handler(blocking = false): answered on the event loop";

    private final Plan plan;
    private final Map<String, Figure> figures = new LinkedHashMap<>();

    private BenchMain(Plan plan) {
        this.plan = plan;
    }

    public static void main(String[] args) throws Exception {
        Plan plan = args.length > 0 && args[0].equals("--quick") ? Plan.QUICK : Plan.FULL;
        // overrides for profiling runs
        Plan p = plan;
        plan = new Plan(
                p.name,
                env("BENCH_ROUNDS", p.rounds),
                env("BENCH_LATENCY_CALLS", p.latencyCalls),
                p.tpWarmupMs,
                env("BENCH_TP_WINDOW_MS", (int) p.tpWindowMs),
                p.httpWarmupS,
                p.httpWindowS,
                env("BENCH_STARTUP_ROUNDS", p.startupRounds),
                p.jmhRounds,
                p.jmhWarmups,
                p.jmhIterations,
                p.jmhIterationMs);
        Path out = Path.of(args.length > 1 ? args[1] : "band-bench/target/bench-results.json");
        long begin = System.nanoTime();
        new BenchMain(plan).run(out);
        System.out.printf(
                Locale.ROOT, "%nbench (%s) finished in %.1f s%n", plan.name, (System.nanoTime() - begin) / 1e9);
        System.exit(0);
    }

    private static int env(String name, int fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
    }

    /**
     * {@code BENCH_ONLY=rpc,http,peers,dispatch,metrics,startup} runs a subset (for profiling); all by
     * default. {@code dispatch} includes {@code metrics}.
     */
    private static boolean selected(String pair) {
        String only = System.getenv("BENCH_ONLY");
        return only == null || only.isBlank() || List.of(only.split(",")).contains(pair);
    }

    private Figure fig(String name, String unit, boolean higherIsBetter) {
        return figures.computeIfAbsent(name, n -> new Figure(n, unit, higherIsBetter));
    }

    private static String redisVersion() {
        String out = ProcStat.output("redis-server", "--version");
        return out == null ? "unknown" : out;
    }

    private void run(Path out) throws Exception {
        System.out.printf("Band benchmarks, %s mode: %d round(s), interleaved raw/Band%n", plan.name, plan.rounds);
        System.out.printf("machine: %s%n", machine());
        RedisServerExtension redis = new RedisServerExtension();
        redis.start();
        try {
            System.out.printf("redis: %s on port %d%n", redisVersion(), redis.port());
            if (selected("rpc") || selected("http")) {
                rpcAndHttp(redis);
            }
            if (selected("peers")) {
                peers(redis);
            }
            if (selected("startup")) {
                startup(redis);
            }
        } finally {
            redis.stop();
        }
        if (selected("dispatch")) {
            dispatch();
        }
        if (selected("dispatch") || selected("metrics")) {
            metricsOnOff();
        }
        print();
        write(out);
    }

    // ---------------------------------------------------------------- pairs 1 and 2

    private void rpcAndHttp(RedisServerExtension redis) throws Exception {
        try (PeerProcess rawPeer = new PeerProcess("raw", redis.dsn(), 0);
                PeerProcess bandPeer = new PeerProcess("band", redis.dsn(), 0)) {
            int rawPort = rawPeer.awaitReady();
            int bandPort = bandPeer.awaitReady();
            long rawPid = rawPeer.pid();
            long bandPid = bandPeer.pid();
            if (selected("rpc"))
                try (RpcPair rpc = new RpcPair(redis.dsn())) {
                    System.out.printf(
                            "%n[1] RPC over Redis: %d-byte request, %d sequential calls, windows %d ms after %d ms warm-up%n",
                            rpc.messageBytes(), plan.latencyCalls, plan.tpWindowMs, plan.tpWarmupMs);
                    // JIT warm-up of both sides, not recorded: a burst at 64 in flight gets both paths compiled
                    long burst = plan.name.equals("quick") ? 1_500 : 3_000;
                    rpc.rawThroughput(64, 0, burst);
                    rpc.bandThroughput(64, 0, burst);
                    rpc.bandThroughput(RpcPair.ECHO_NON_BLOCKING, 64, 0, burst, rpc.params, 0);
                    rpc.rawLatency(plan.latencyCalls / 2);
                    rpc.bandLatency(plan.latencyCalls / 2);
                    Figure p50 = fig("rpc.p50", "us", false);
                    Figure p99 = fig("rpc.p99", "us", false);
                    for (Figure f : List.of(p50, p99)) {
                        f.params.put("calls", plan.latencyCalls);
                        f.params.put("message_bytes", rpc.messageBytes());
                    }
                    for (int round = 1; round <= plan.rounds; round++) {
                        double[] raw = rpc.rawLatency(plan.latencyCalls);
                        double[] band = rpc.bandLatency(plan.latencyCalls);
                        latencyRound(round, p50, p99, band, raw, "raw");
                        // diagnostic: the raw ping-pong with one virtual-thread hand-off per side
                        double[] hop = rpc.rawLatency(plan.latencyCalls, true);
                        Figure hopP50 = fig("diag.rpc.p50.raw_vthop", "us", false);
                        hopP50.params.put(
                                "note", "band column = raw ping-pong with one virtual-thread hand-off on each side");
                        hopP50.band.add(hop[0]);
                        hopP50.raw.add(raw[0]);
                        System.out.printf(
                                Locale.ROOT,
                                "  round %d latency: raw with a virtual-thread hop per side p50 %.0f p99 %.0f us%n",
                                round,
                                hop[0],
                                hop[1]);
                        for (int n : IN_FLIGHT) {
                            Figure tp = fig("rpc.throughput.inflight" + n, "calls/s", true);
                            tp.params.put("in_flight", n);
                            tp.params.put("window_ms", plan.tpWindowMs);
                            double r = rpc.rawThroughput(n, plan.tpWarmupMs, plan.tpWindowMs);
                            double b = rpc.bandThroughput(n, plan.tpWarmupMs, plan.tpWindowMs);
                            tp.raw.add(r);
                            tp.band.add(b);
                            if (n == 64) {
                                // the fast path: the same echo declared non-blocking, against the same raw window
                                double nb = rpc.bandThroughput(
                                                RpcPair.ECHO_NON_BLOCKING,
                                                n,
                                                plan.tpWarmupMs,
                                                plan.tpWindowMs,
                                                rpc.params,
                                                0)
                                        .callsPerSecond();
                                Figure fast = besideRaw(
                                        "rpc.throughput.inflight64.nonblocking",
                                        "band non-blocking echo",
                                        round,
                                        r,
                                        nb);
                                fast.params.put("in_flight", n);
                                fast.params.put("window_ms", plan.tpWindowMs);
                                fast.params.put("method", RpcPair.ECHO_NON_BLOCKING);
                                double h = rpc.rawThroughput(n, plan.tpWarmupMs, plan.tpWindowMs, true);
                                besideRaw(
                                                "diag.rpc.throughput.inflight64.raw_vthop",
                                                "raw with a virtual-thread hop per side",
                                                round,
                                                r,
                                                h)
                                        .params
                                        .put(
                                                "note",
                                                "band column = raw ping-pong with one virtual-thread hand-off on each side");
                            }
                            System.out.printf(
                                    Locale.ROOT,
                                    "  round %d throughput, %3d in flight: raw %8.0f | band %8.0f calls/s%n",
                                    round,
                                    n,
                                    r,
                                    b);
                        }
                    }
                }
            if (!selected("http")) {
                return;
            }
            if (!HttpPair.available()) {
                System.out.println(
                        "\n[2] HTTP: SKIPPED, wrk not found (apt-get install -y wrk; 'make bench' installs it when run as root)");
                return;
            }
            System.out.printf(
                    "%n[2] HTTP: %s, GET /ping (and /ping-nb: the same method declared non-blocking), keep-alive,"
                            + " %.0f s windows%n",
                    HttpPair.version(), plan.httpWindowS);
            for (int c : HTTP_CONNECTIONS) {
                HttpPair.run(rawPort, c, plan.httpWarmupS);
                HttpPair.run(bandPort, c, plan.httpWarmupS);
                HttpPair.run(bandPort, c, plan.httpWarmupS, NON_BLOCKING_PATH);
            }
            for (int round = 1; round <= plan.rounds; round++) {
                for (int c : HTTP_CONNECTIONS) {
                    // the order turns each round, so neither Band method always runs right after raw
                    boolean nonBlockingFirst = round % 2 == 0;
                    HttpPair.Measured raw = HttpPair.measure(rawPid, rawPort, c, plan.httpWindowS, "/ping");
                    HttpPair.Measured fastRun = nonBlockingFirst
                            ? HttpPair.measure(bandPid, bandPort, c, plan.httpWindowS, NON_BLOCKING_PATH)
                            : null;
                    HttpPair.Measured band = HttpPair.measure(bandPid, bandPort, c, plan.httpWindowS, "/ping");
                    if (fastRun == null) {
                        fastRun = HttpPair.measure(bandPid, bandPort, c, plan.httpWindowS, NON_BLOCKING_PATH);
                    }
                    HttpPair.Result r = raw.result();
                    HttpPair.Result b = band.result();
                    HttpPair.Result n = fastRun.result();
                    Figure rps = fig("http.rps.c" + c, "requests/s", true);
                    rps.params.put("connections", c);
                    rps.raw.add(r.rps());
                    rps.band.add(b.rps());
                    Figure fast = fig("http.rps.c" + c + ".nonblocking", "requests/s", true);
                    fast.params.put("connections", c);
                    fast.params.put("note", NON_BLOCKING_NOTE);
                    fast.raw.add(r.rps());
                    fast.band.add(n.rps());
                    if (!Double.isNaN(raw.cpuMicrosPerRequest())) {
                        Figure cpu = fig("http.cpu_per_request.c" + c, "us", false);
                        cpu.params.put("connections", c);
                        cpu.params.put("note", "server CPU (user + system, /proc/PID/stat) per answered request");
                        cpu.raw.add(raw.cpuMicrosPerRequest());
                        cpu.band.add(band.cpuMicrosPerRequest());
                        Figure fastCpu = fig("http.cpu_per_request.c" + c + ".nonblocking", "us", false);
                        fastCpu.params.put("connections", c);
                        fastCpu.params.put("note", NON_BLOCKING_NOTE + "; server CPU per answered request");
                        fastCpu.raw.add(raw.cpuMicrosPerRequest());
                        fastCpu.band.add(fastRun.cpuMicrosPerRequest());
                    }
                    if (c == 64) {
                        Figure p99 = fig("http.p99.c64", "ms", false);
                        p99.params.put("connections", c);
                        p99.raw.add(r.p99Ms());
                        p99.band.add(b.p99Ms());
                        Figure fastP99 = fig("http.p99.c64.nonblocking", "ms", false);
                        fastP99.params.put("connections", c);
                        fastP99.params.put("note", NON_BLOCKING_NOTE);
                        fastP99.raw.add(r.p99Ms());
                        fastP99.band.add(n.p99Ms());
                    }
                    System.out.printf(
                            Locale.ROOT,
                            "  round %d, %2d connections: raw %8.0f req/s p99 %.2f ms %.1f us CPU/req | band %8.0f"
                                    + " req/s p99 %.2f ms %.1f us | band non-blocking %8.0f req/s p99 %.2f ms %.1f us"
                                    + " | load %.1f%n",
                            round,
                            c,
                            r.rps(),
                            r.p99Ms(),
                            raw.cpuMicrosPerRequest(),
                            b.rps(),
                            b.p99Ms(),
                            band.cpuMicrosPerRequest(),
                            n.rps(),
                            n.p99Ms(),
                            fastRun.cpuMicrosPerRequest(),
                            ProcStat.load1());
                }
            }
        }
    }

    // ---------------------------------------------------------------- pair 5

    /** Payload sizes of pair 5 besides the 205-byte call, at {@link #PEER_PAYLOAD_IN_FLIGHT} calls in flight. */
    private static final int[] PEER_PAYLOADS = System.getenv("BENCH_PEER_PAYLOADS") == null
            ? new int[] {10_000, 100_000}
            : java.util.Arrays.stream(System.getenv("BENCH_PEER_PAYLOADS").split(","))
                    .filter(x -> !x.isBlank())
                    .mapToInt(x -> Integer.parseInt(x.trim()))
                    .toArray();

    private static final int PEER_PAYLOAD_IN_FLIGHT = 16;

    /** The params of pair 5 padded by a {@code data.blob} string, built as {@code load-client.js} builds them. */
    static com.fasterxml.jackson.databind.node.ObjectNode peerParams(RpcPair rpc, int bytes) {
        com.fasterxml.jackson.databind.node.ObjectNode p = rpc.params.deepCopy();
        if (bytes > 0) {
            String blob = "0123456789abcdef".repeat((bytes + 15) / 16).substring(0, bytes);
            ((com.fasterxml.jackson.databind.node.ObjectNode) p.get("data")).put("blob", blob);
        }
        return p;
    }

    private static String payloadName(int bytes) {
        return "payload" + bytes / 1000 + "k";
    }

    private void peers(RedisServerExtension redis) throws Exception {
        String why = MoleculerPeer.unavailable();
        if (why != null) {
            System.out.println("\n[5] Peer Moleculer: SKIPPED, " + why);
            return;
        }
        if (!ProcStat.available()) {
            System.out.println(
                    "\n[5] Peer Moleculer: SKIPPED, /proc is not readable (server CPU comes from /proc/PID/stat)");
            return;
        }
        double load0 = ProcStat.load1();
        System.out.printf(
                Locale.ROOT,
                "%n[5] Peer: %s, echo debug.data called by a Moleculer client node, against Band's RpcClient calling"
                        + " bench-svc.echo; servers in their own processes, CPU from /proc/PID/stat; load average %.2f%n",
                MoleculerPeer.version(),
                load0);
        System.out.println("  (the wire-protocol load generator of pair 1 does not apply: Moleculer speaks its own"
                + " packet protocol on MOL.* channels, not Band's JSON-RPC)");
        List<Double> loads = new ArrayList<>(List.of(load0));
        List<String> imageFlags = containerJavaOpts();
        String classPath = System.getProperty("java.class.path");
        System.out.println("  Band runs with the image's JAVA_OPTS (docker/base/Dockerfile) and MALLOC_ARENA_MAX=2: "
                + String.join(" ", imageFlags));
        long begin = System.nanoTime();
        // quick mode keeps pair 5 short: a third of the sequential calls (the throughput windows are already short)
        int calls = plan.name.equals("quick") ? plan.latencyCalls / 3 : plan.latencyCalls;
        try (RpcPair rpc = new RpcPair(redis.dsn());
                MoleculerPeer mol = new MoleculerPeer(redis.dsn())) {
            // Band as director runs it: the image's JAVA_OPTS and MALLOC_ARENA_MAX (Moleculer: Node's defaults)
            try (PeerProcess band = PeerProcess.band(redis.dsn(), 0, imageFlags, classPath)) {
                band.awaitReady();
                Thread.sleep(1000); // idle, as in pair 4
                Figure idle = peerFig("idle.rss_mb", "MB", false);
                idle.band.add(ProcStat.memoryMb(band.pid(), "VmRSS"));
                idle.raw.add(ProcStat.memoryMb(mol.serverPid(), "VmRSS"));
                idle.params.put("probe", "VmRSS of the server process 1 s after ready");
                long burst = plan.name.equals("quick") ? 500 : 2_000;
                rpc.bandThroughput(64, 0, burst, rpc.params, 0);
                rpc.bandThroughput(RpcPair.ECHO_NON_BLOCKING, 64, 0, burst, rpc.params, 0);
                mol.throughput(64, 0, burst, 0);
                rpc.bandLatency(calls / 4);
                mol.latency(calls / 4, 0);
                Figure p50 = peerFig("rpc.p50", "us", false);
                Figure p99 = peerFig("rpc.p99", "us", false);
                for (Figure f : List.of(p50, p99)) {
                    f.params.put("calls", calls);
                }
                for (int round = 1; round <= plan.rounds; round++) {
                    loads.add(ProcStat.load1());
                    double[] b = rpc.bandLatency(calls);
                    double[] m = mol.latency(calls, 0);
                    latencyRound(round, p50, p99, b, m, "moleculer");
                    for (int n : IN_FLIGHT) {
                        peerLoad(
                                round,
                                "throughput.inflight" + n,
                                n == 64 ? "cpu_per_call" : "cpu_per_call.inflight" + n,
                                n,
                                0,
                                rpc,
                                mol,
                                band.pid(),
                                n == 64);
                    }
                    for (int bytes : PEER_PAYLOADS) {
                        peerLoad(
                                round,
                                payloadName(bytes) + ".throughput",
                                payloadName(bytes) + ".cpu_per_call",
                                PEER_PAYLOAD_IN_FLIGHT,
                                bytes,
                                rpc,
                                mol,
                                band.pid(),
                                true);
                    }
                }
                Figure peak = peerFig("load.rss_mb", "MB", false);
                peak.band.add(ProcStat.memoryMb(band.pid(), "VmHWM"));
                peak.raw.add(ProcStat.memoryMb(mol.serverPid(), "VmHWM"));
                peak.params.put("probe", "VmHWM (peak RSS) of the server process after the load rounds");
            }
            for (int round = 1; round <= plan.startupRounds; round++) {
                Figure ready = peerFig("startup.ready_ms", "ms", false);
                ready.params.put(
                        "probe",
                        "process start -> first answered call from the client already running, polled every 2 ms");
                double b;
                try (PeerProcess band = PeerProcess.band(redis.dsn(), 0, imageFlags, classPath)) {
                    if (!rpc.awaitBandAnswer(band.startedNanos + TimeUnit.SECONDS.toNanos(30))) {
                        throw new IllegalStateException("band peer did not answer within 30 s");
                    }
                    b = (System.nanoTime() - band.startedNanos) / 1e6;
                }
                double m = mol.startupMs();
                ready.band.add(b);
                ready.raw.add(m);
                System.out.printf(
                        Locale.ROOT,
                        "  round %d start-up to first answered call: band %.0f ms | moleculer %.0f ms%n",
                        round,
                        b,
                        m);
            }
        }
        loads.add(ProcStat.load1());
        for (Figure f : figures.values()) {
            if (f.name.startsWith("peer.")) {
                f.params.put("load_average_1m", loads);
                f.params.put("band_jvm_flags", String.join(" ", imageFlags));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "  pair 5 took %.0f s; load average (1 min) during it: %s%n",
                (System.nanoTime() - begin) / 1e9,
                loads);
    }

    /** A throughput window at 64 in flight set beside pair 1's raw window {@code raw}: recorded and printed. */
    private Figure besideRaw(String name, String label, int round, double raw, double value) {
        Figure f = fig(name, "calls/s", true);
        f.raw.add(raw);
        f.band.add(value);
        System.out.printf(Locale.ROOT, "  round %d throughput,  64 in flight: %s %8.0f calls/s%n", round, label, value);
        return f;
    }

    private Figure peerFig(String name, String unit, boolean higherIsBetter) {
        Figure f = fig("peer.moleculer." + name, unit, higherIsBetter);
        f.params.put("peer", "moleculer");
        return f;
    }

    private void peerLoad(
            int round,
            String tpName,
            String cpuName,
            int inFlight,
            int bytes,
            RpcPair rpc,
            MoleculerPeer mol,
            long bandPid,
            boolean alsoNonBlocking)
            throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode params = peerParams(rpc, bytes);
        // the order turns each round, so neither Band method always runs right after Moleculer
        boolean nonBlockingFirst = alsoNonBlocking && round % 2 == 0;
        RpcPair.Load fast = nonBlockingFirst ? nonBlocking(rpc, inFlight, params, bandPid) : null;
        RpcPair.Load b = rpc.bandThroughput(inFlight, plan.tpWarmupMs, plan.tpWindowMs, params, bandPid);
        RpcPair.Load m = mol.throughput(inFlight, plan.tpWarmupMs, plan.tpWindowMs, bytes);
        if (alsoNonBlocking && fast == null) {
            fast = nonBlocking(rpc, inFlight, params, bandPid);
        }
        peerFigures(tpName, cpuName, inFlight, bytes, b, m);
        System.out.printf(
                Locale.ROOT,
                "  round %d %3d in flight, %6d B payload: band %7.0f calls/s %6.1f cpu us/call | moleculer %7.0f calls/s %6.1f cpu us/call%n",
                round,
                inFlight,
                bytes,
                b.callsPerSecond(),
                b.serverCpuUsPerCall(),
                m.callsPerSecond(),
                m.serverCpuUsPerCall());
        if (fast != null) {
            peerFigures(tpName + ".nonblocking", cpuName + ".nonblocking", inFlight, bytes, fast, m);
            System.out.printf(
                    Locale.ROOT,
                    "  round %d %3d in flight, %6d B payload: band non-blocking echo %7.0f calls/s %6.1f cpu us/call%n",
                    round,
                    inFlight,
                    bytes,
                    fast.callsPerSecond(),
                    fast.serverCpuUsPerCall());
        }
    }

    private RpcPair.Load nonBlocking(
            RpcPair rpc, int inFlight, com.fasterxml.jackson.databind.node.ObjectNode params, long bandPid)
            throws Exception {
        return rpc.bandThroughput(
                RpcPair.ECHO_NON_BLOCKING, inFlight, plan.tpWarmupMs, plan.tpWindowMs, params, bandPid);
    }

    /** One window of Band ({@code b}) against one of Moleculer ({@code m}): a throughput and a CPU-per-call figure. */
    private void peerFigures(String tpName, String cpuName, int inFlight, int bytes, RpcPair.Load b, RpcPair.Load m) {
        Figure tp = peerFig("rpc." + tpName, "calls/s", true);
        Figure cpu = peerFig("rpc." + cpuName, "cpu_us/call", false);
        for (Figure f : List.of(tp, cpu)) {
            f.params.put("in_flight", inFlight);
            f.params.put("payload_bytes", bytes);
            f.params.put("window_ms", plan.tpWindowMs);
        }
        tp.band.add(b.callsPerSecond());
        tp.raw.add(m.callsPerSecond());
        cpu.band.add(b.serverCpuUsPerCall());
        cpu.raw.add(m.serverCpuUsPerCall());
    }

    /** Records one round of {p50, p99} of Band and of its twin or peer ({@code other}, the raw column). */
    private static void latencyRound(int round, Figure p50, Figure p99, double[] band, double[] other, String label) {
        p50.band.add(band[0]);
        p99.band.add(band[1]);
        p50.raw.add(other[0]);
        p99.raw.add(other[1]);
        System.out.printf(
                Locale.ROOT,
                "  round %d latency: %s p50 %.0f p99 %.0f us | band p50 %.0f p99 %.0f us%n",
                round,
                label,
                other[0],
                other[1],
                band[0],
                band[1]);
    }

    // ---------------------------------------------------------------- pair 4

    private void startup(RedisServerExtension redis) throws Exception {
        System.out.printf(
                "%n[4] Start-up to ready (HTTP /__status answers and subscribed on Redis) and idle memory, %d rounds%n",
                plan.startupRounds);
        Figure ready = fig("startup.ready_ms", "ms", false);
        Figure heap = fig("idle.heap_mb", "MB", false);
        Figure rss = fig("idle.rss_mb", "MB", false);
        for (Figure f : List.of(ready, heap, rss)) {
            f.params.put("band_methods", 50);
            f.params.put("jvm_flags", String.join(" ", PEER_JVM_FLAGS));
        }
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        RedisClient client = RedisClient.create(RedisURI.create(redis.dsn()));
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            // warm the pollers so their first use is not billed to the peer
            pollOnce(http, 1, conn, "nothing");
            for (int round = 1; round <= plan.startupRounds; round++) {
                for (String mode : List.of("raw", "band")) {
                    String channel = mode.equals("raw") ? Peer.RAW_SERVICE : Peer.BAND_SERVICE;
                    int port = RedisServerExtension.freePort();
                    try (PeerProcess peer = new PeerProcess(mode, redis.dsn(), port)) {
                        double[] m = readyAndIdle(peer, port, channel, http, conn, 1000);
                        (mode.equals("raw") ? ready.raw : ready.band).add(m[0]);
                        (mode.equals("raw") ? heap.raw : heap.band).add(m[1]);
                        (mode.equals("raw") ? rss.raw : rss.band).add(m[2]);
                        System.out.printf(
                                Locale.ROOT,
                                "  round %d %-4s: ready %.0f ms, idle heap after GC %.1f MB, RSS %.1f MB%n",
                                round,
                                mode,
                                m[0],
                                m[1],
                                m[2]);
                    }
                }
            }
            startupAot(redis, http, conn);
        } finally {
            client.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * The Band peer as its container starts it: the image's {@code JAVA_OPTS} (docker/base/Dockerfile),
     * started from the JDK's AOT cache (the band column) and without it (the raw column), in the same
     * rounds; the cache made first by the service's own training run (on the in-process bus).
     */
    private void startupAot(RedisServerExtension redis, HttpClient http, StatefulRedisConnection<String, String> conn)
            throws Exception {
        if (Runtime.version().feature() < 25) {
            System.out.println("  AOT cache: SKIPPED, needs JDK 25+ (this is " + Runtime.version() + ")");
            return;
        }
        String classPath = jarClassPath();
        if (classPath == null) {
            System.out.println("  AOT cache: SKIPPED, no band-bench jar in band-bench/target (mvn install builds it;"
                    + " the JVM caches classes from jars only)");
            return;
        }
        List<String> flags = containerJavaOpts();
        Path dir = Path.of("band-bench/target");
        Path cache = dir.resolve("bench-peer.aot");
        long begin = System.nanoTime();
        if (!PeerProcess.trainAotCache(cache, dir.resolve("bench-peer.aot.log"), flags, classPath)) {
            System.out.println("  AOT cache: SKIPPED, the training run failed (band-bench/target/bench-peer.aot.log)");
            return;
        }
        System.out.printf(
                Locale.ROOT,
                "  AOT cache made by a training run in %.1f s (%d MB); JVM flags of the image: %s%n",
                (System.nanoTime() - begin) / 1e9,
                Files.size(cache) / 1048576,
                String.join(" ", flags));
        List<String> withCache = new ArrayList<>(flags);
        withCache.add("-XX:AOTCache=" + cache);
        Figure ready = fig("startup.ready_ms.aot", "ms", false);
        Figure rss = fig("idle.rss_mb.aot", "MB", false);
        Figure cpu = fig("startup.cpu_ms.aot", "ms", false);
        cpu.params.put(
                "probe",
                "CPU time (user + system, /proc/PID/stat) of the process until ready: less noisy than wall time");
        rss.params.put("probe", "VmRSS " + IDLE_AOT_MS + " ms after ready, no forced GC");
        for (Figure f : List.of(ready, rss, cpu)) {
            f.params.put("band_methods", 50);
            f.params.put("jvm_flags", String.join(" ", flags));
            f.params.put("note", "band column = Band with the AOT cache, raw column = the same without it");
        }
        for (int round = 1; round <= plan.startupRounds; round++) {
            for (boolean aot : List.of(false, true)) {
                int port = RedisServerExtension.freePort();
                try (PeerProcess peer = PeerProcess.band(redis.dsn(), port, aot ? withCache : flags, classPath)) {
                    double[] m = readyAndIdle(peer, port, Peer.BAND_SERVICE, http, conn, IDLE_AOT_MS);
                    (aot ? ready.band : ready.raw).add(m[0]);
                    (aot ? rss.band : rss.raw).add(m[4]);
                    (aot ? cpu.band : cpu.raw).add(m[3]);
                    System.out.printf(
                            Locale.ROOT,
                            "  round %d band, image flags, %-9s: ready %.0f ms (%.0f ms of CPU), idle RSS %.1f MB"
                                    + " (%.1f MB after GC, heap %.1f MB)%n",
                            round,
                            aot ? "AOT cache" : "no cache",
                            m[0],
                            m[3],
                            m[4],
                            m[2],
                            m[1]);
                }
            }
        }
    }

    /** Idle time before the RSS of the AOT pair: the image's periodic native-heap trim (2 s) has run once. */
    private static final long IDLE_AOT_MS = 3000;

    /** The bench's class path with its classes folder replaced by its jar, or null without the jar. */
    private static String jarClassPath() throws java.io.IOException {
        Path target = Path.of("band-bench/target");
        if (!Files.isDirectory(target)) {
            return null;
        }
        Path jar;
        try (var files = Files.list(target)) {
            jar = files.filter(f -> f.getFileName().toString().matches("band-bench-.*\\.jar"))
                    .findFirst()
                    .orElse(null);
        }
        if (jar == null) {
            return null;
        }
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            entries.add(Files.isDirectory(Path.of(entry)) ? jar.toAbsolutePath().toString() : entry);
        }
        return String.join(
                java.io.File.pathSeparator, entries.stream().distinct().toList());
    }

    /** JAVA_OPTS of band-runtime-java (docker/base/Dockerfile), the flags every service's container runs with. */
    static List<String> containerJavaOpts() throws java.io.IOException {
        Path dockerfile = Path.of("docker/base/Dockerfile");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("JAVA_OPTS=\"([^\"]+)\"")
                .matcher(Files.exists(dockerfile) ? Files.readString(dockerfile) : "");
        return m.find() ? List.of(m.group(1).trim().split("\\s+")) : PEER_JVM_FLAGS;
    }

    /**
     * Milliseconds from the process start to ready (subscribed and /__status answering); heap
     * after GC and RSS {@code idleMs} later, in MB; milliseconds of CPU the process used until ready.
     */
    private static double[] readyAndIdle(
            PeerProcess peer,
            int port,
            String channel,
            HttpClient http,
            StatefulRedisConnection<String, String> conn,
            long idleMs)
            throws Exception {
        long readyNanos = -1;
        long deadline = peer.startedNanos + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (pollOnce(http, port, conn, channel)) {
                readyNanos = System.nanoTime();
                break;
            }
            Thread.sleep(2);
        }
        if (readyNanos < 0) {
            throw new IllegalStateException(channel + " peer not ready within 30 s");
        }
        double cpuMs = ProcStat.available() ? ProcStat.cpuSeconds(peer.pid()) * 1000 : Double.NaN;
        peer.awaitReady();
        Thread.sleep(idleMs); // idle
        double rssNoGc = ProcStat.available() ? ProcStat.memoryMb(peer.pid(), "VmRSS") : Double.NaN;
        long[] mem = peer.memory();
        return new double[] {
            (readyNanos - peer.startedNanos) / 1e6, mem[0] / 1048576.0, mem[1] / 1048576.0, cpuMs, rssNoGc
        };
    }

    private static boolean pollOnce(
            HttpClient http, int port, StatefulRedisConnection<String, String> redis, String channel) {
        Long subscribers = redis.sync().pubsubNumsub(channel).get(channel);
        if (subscribers == null || subscribers == 0) {
            return false;
        }
        try {
            HttpResponse<Void> res = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/__status"))
                            .timeout(Duration.ofMillis(500))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return res.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- pair 3

    private void dispatch() throws Exception {
        System.out.printf(
                "%n[3] Dispatch in-process (JMH, %d round(s) of 1 fork, %d x %d ms warm-up, %d x %d ms measured)%n",
                plan.jmhRounds, plan.jmhWarmups, plan.jmhIterationMs, plan.jmhIterations, plan.jmhIterationMs);
        for (int round = 1; round <= plan.jmhRounds; round++) {
            // raw and Band alternate inside each JMH run (JMH orders band before raw), runs alternate per round
            jmh(round, "10", new String[] {"100B", "10KB", "1MB"}, "band|raw");
            jmh(round, "1000", new String[] {"100B"}, "band|raw");
        }
    }

    /** One fork of {@link DispatchBench}'s {@code benchmarks} (a regex of method names), with the plan's iterations. */
    private ChainedOptionsBuilder jmhOptions(String benchmarks) {
        return new OptionsBuilder()
                .include(DispatchBench.class.getName() + "\\." + benchmarks + "$")
                .forks(1)
                .warmupIterations(plan.jmhWarmups)
                .warmupTime(TimeValue.milliseconds(plan.jmhIterationMs))
                .measurementIterations(plan.jmhIterations)
                .measurementTime(TimeValue.milliseconds(plan.jmhIterationMs))
                .jvmArgsAppend(PEER_JVM_FLAGS.toArray(String[]::new))
                .verbosity(VerboseMode.SILENT);
    }

    /**
     * Pair 3m: Band's dispatch with metrics off (the raw column) and on (the band column), what
     * timing every call costs. Both services live in this JVM and take turns, window by window
     * ({@link MetricsPair}); a per-round ratio is on / off of the two windows next to each other.
     */
    private void metricsOnOff() throws Exception {
        // many short windows side by side: the machine's load changes less between two of them
        int rounds = env("BENCH_METRICS_ROUNDS", plan.name.equals("quick") ? 10 : 10 * plan.rounds);
        long windowMs = env("BENCH_METRICS_WINDOW_MS", plan.name.equals("quick") ? 300 : 500);
        long warmupLimitMs = env("BENCH_METRICS_WARMUP_MS", 60_000);
        System.out.printf(
                "%n[3m] Metrics on / off (in-process, %d calls in flight, %d round(s) of one %d ms window each,"
                        + " alternating, after a warm-up until the JIT is done, at most %d ms)%n",
                MetricsPair.IN_FLIGHT, rounds, windowMs, warmupLimitMs);
        Figure wall = fig("metrics.dispatch.100B", "ns/op", false);
        Figure cpu = fig("metrics.dispatch.100B.cpu", "ns/op", false);
        wall.params.put(
                "note",
                "raw column = Band with metrics off, band column = metrics.prometheus: true; wall time per call");
        cpu.params.put("note", "as metrics.dispatch.100B, process CPU time per call (the bench's own driver included)");
        List<Double> wallRatios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        try (MetricsPair pair = new MetricsPair()) {
            // the JIT's own threads bill their CPU to whichever window runs: warm both up, not
            // recorded, until it has little left to do (three pairs in a row under 2 % of a window
            // compiling), or the limit
            long warmupStart = System.nanoTime();
            int quiet = 0;
            int warmups = 0;
            while (quiet < 3 && System.nanoTime() - warmupStart < TimeUnit.MILLISECONDS.toNanos(warmupLimitMs)) {
                long compiling = pair.window(false, windowMs).compileMillis()
                        + pair.window(true, windowMs).compileMillis();
                quiet = compiling * 50 <= 2 * windowMs ? quiet + 1 : 0;
                warmups++;
            }
            System.out.printf(
                    Locale.ROOT,
                    "  warm-up: %d pair(s) of windows in %.1f s%s%n",
                    warmups,
                    (System.nanoTime() - warmupStart) / 1e9,
                    quiet < 3 ? ", stopped at the limit with the JIT still busy: the figures below are rough" : "");
            for (int round = 1; round <= rounds; round++) {
                boolean onFirst = round % 2 == 0;
                MetricsPair.Window first = pair.window(onFirst, windowMs);
                MetricsPair.Window second = pair.window(!onFirst, windowMs);
                MetricsPair.Window on = onFirst ? first : second;
                MetricsPair.Window off = onFirst ? second : first;
                if (on.calls() == 0 || off.calls() == 0) {
                    // the machine stalled this JVM for a whole window: nothing to compare
                    System.out.printf("  round %2d skipped: a window with no call answered%n", round);
                    continue;
                }
                wall.raw.add(off.wallNanosPerCall());
                wall.band.add(on.wallNanosPerCall());
                cpu.raw.add(off.cpuNanosPerCall());
                cpu.band.add(on.cpuNanosPerCall());
                wallRatios.add(on.wallNanosPerCall() / off.wallNanosPerCall());
                cpuRatios.add(on.cpuNanosPerCall() / off.cpuNanosPerCall());
                System.out.printf(
                        Locale.ROOT,
                        "  round %2d metrics off %7.0f ns/call (CPU %6.0f), on %7.0f ns/call (CPU %6.0f):"
                                + " on/off %.3f (CPU %.3f), JIT %d ms%n",
                        round,
                        off.wallNanosPerCall(),
                        off.cpuNanosPerCall(),
                        on.wallNanosPerCall(),
                        on.cpuNanosPerCall(),
                        wallRatios.getLast(),
                        cpuRatios.getLast(),
                        off.compileMillis() + on.compileMillis());
            }
        }
        for (Figure f : List.of(wall, cpu)) {
            f.params.put("methods", 10);
            f.params.put("payload", "100B");
            f.params.put("in_flight", MetricsPair.IN_FLIGHT);
            f.params.put("window_ms", windowMs);
        }
        wall.params.put("round_ratios", wallRatios.stream().map(Figure::round).toList());
        wall.params.put("median_round_ratio", Figure.round(Figure.median(wallRatios)));
        cpu.params.put("round_ratios", cpuRatios.stream().map(Figure::round).toList());
        cpu.params.put("median_round_ratio", Figure.round(Figure.median(cpuRatios)));
        // the machine's other work only ever adds time: the fastest window of each side is the
        // closest to what the call itself costs
        double minWall = Collections.min(wall.band) / Collections.min(wall.raw);
        double minCpu = Collections.min(cpu.band) / Collections.min(cpu.raw);
        wall.params.put("fastest_window_ratio", Figure.round(minWall));
        cpu.params.put("fastest_window_ratio", Figure.round(minCpu));
        System.out.printf(
                Locale.ROOT,
                "  on/off: median of the rounds %.3f wall, %.3f CPU; fastest window of each %.3f wall, %.3f CPU%n",
                Figure.median(wallRatios),
                Figure.median(cpuRatios),
                minWall,
                minCpu);
    }

    private void jmh(int round, String methods, String[] payloads, String benchmarks) throws Exception {
        ChainedOptionsBuilder options =
                jmhOptions("(" + benchmarks + ")").param("methods", methods).param("payload", payloads);
        for (RunResult result : new Runner(options.build()).run()) {
            String bench = result.getParams().getBenchmark();
            String payload = result.getParams().getParam("payload");
            double score = result.getPrimaryResult().getScore();
            boolean isBand = bench.endsWith(".band");
            String name = payload.equals("100B") ? "dispatch.100B.m" + methods : "dispatch." + payload;
            Figure f = fig(name, "ns/op", false);
            f.params.put("methods", Integer.parseInt(methods));
            f.params.put("payload", payload);
            (isBand ? f.band : f.raw).add(score);
            System.out.printf(
                    Locale.ROOT, "  round %d %-24s %-4s %12.0f ns/op%n", round, name, isBand ? "band" : "raw", score);
        }
    }

    // ---------------------------------------------------------------- output

    private static final List<String> ORDER = List.of(
            "rpc.p50",
            "rpc.p99",
            "rpc.throughput.inflight1",
            "rpc.throughput.inflight16",
            "rpc.throughput.inflight64",
            "rpc.throughput.inflight256",
            "rpc.throughput.inflight64.nonblocking",
            "http.rps.c1",
            "http.rps.c64",
            "http.p99.c64",
            "http.rps.c1.nonblocking",
            "http.rps.c64.nonblocking",
            "http.p99.c64.nonblocking",
            "http.cpu_per_request.c1",
            "http.cpu_per_request.c1.nonblocking",
            "http.cpu_per_request.c64",
            "http.cpu_per_request.c64.nonblocking",
            "dispatch.100B.m10",
            "dispatch.100B.m1000",
            "dispatch.10KB",
            "dispatch.1MB",
            "metrics.dispatch.100B",
            "metrics.dispatch.100B.cpu",
            "startup.ready_ms",
            "startup.ready_ms.aot",
            "startup.cpu_ms.aot",
            "idle.heap_mb",
            "idle.rss_mb",
            "idle.rss_mb.aot");

    private List<Figure> ordered() {
        List<Figure> list = new ArrayList<>();
        for (String n : ORDER) {
            if (figures.containsKey(n)) {
                list.add(figures.get(n));
            }
        }
        figures.values().stream().filter(f -> !ORDER.contains(f.name)).forEach(list::add);
        return list;
    }

    private void print() {
        System.out.printf(
                "%n%-52s %14s %14s %8s  %-11s %s%n",
                "figure", "band", "raw / peer", "ratio", "unit", "spread band / raw");
        for (Figure f : ordered()) {
            System.out.printf(
                    Locale.ROOT,
                    "%-52s %14s %14s %8s  %-11s %s / %s%n",
                    f.name,
                    num(f.bandMedian()),
                    f.hasRaw() ? num(f.rawMedian()) : "-",
                    f.ratio() == null ? "-" : String.format(Locale.ROOT, "%.2f", f.ratio()),
                    f.unit,
                    pct(Figure.spread(f.band)),
                    f.hasRaw() ? pct(Figure.spread(f.raw)) : "-");
        }
    }

    private void write(Path out) throws Exception {
        Files.createDirectories(out.toAbsolutePath().getParent());
        List<Map<String, Object>> json = ordered().stream()
                .map(f -> {
                    Map<String, Object> m = f.toJson();
                    @SuppressWarnings("unchecked")
                    Map<String, Object> p = (Map<String, Object>) m.get("params");
                    p.put("mode", plan.name);
                    return m;
                })
                .toList();
        Files.writeString(
                out,
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n");
        System.out.println("\nwrote " + out);
    }

    private static String num(Double v) {
        if (v == null) {
            return "-";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String pct(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "±%.0f%%", v / 2);
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse(cpu);
        } catch (Exception ignored) {
            // not Linux
        }
        return String.format(
                "%s, %d cores, Java %s (%s), %s %s",
                cpu,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                System.getProperty("java.vm.name"),
                System.getProperty("os.name"),
                System.getProperty("os.version"));
    }
}
