package org.rockstat.band.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rockstat.band.fixtures.RedisServerExtension;

/**
 * JVM flag sets side by side on the Band peer, one process at a time, interleaved over rounds: idle
 * RSS (1 s after ready, no forced GC), RPC throughput and server CPU per call at 64 in flight, and
 * the RSS peak after that load. How the image's {@code JAVA_OPTS} were chosen (BENCHMARKS.md):
 *
 * <pre>{@code
 * FOOTPRINT_A="-XX:+UseSerialGC -Xmx128m" FOOTPRINT_B="-XX:+UseSerialGC -Xmx128m -Xms16m" \
 *   java -cp band-bench/target/classes:$(cat band-bench/target/bench-classpath.txt) \
 *   org.rockstat.band.bench.FootprintBench 3
 * }</pre>
 *
 * <p>{@code FOOTPRINT_A}, {@code FOOTPRINT_B}, ... {@code FOOTPRINT_F}: the flag sets (default: the
 * image's JAVA_OPTS alone); {@code FOOTPRINT_WARMUP_MS}: the load's warm-up before the window (2000);
 * {@code FOOTPRINT_WINDOW_MS}: the load window (5000);
 * {@code FOOTPRINT_PAYLOAD}: a {@code data.blob} of that many bytes in the params, as pair 5's payload
 * loads (default none); {@code FOOTPRINT_INFLIGHT}: calls in flight (64).
 */
public final class FootprintBench {
    private FootprintBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        long window = Long.parseLong(System.getenv().getOrDefault("FOOTPRINT_WINDOW_MS", "5000"));
        long warmup = Long.parseLong(System.getenv().getOrDefault("FOOTPRINT_WARMUP_MS", "2000"));
        int payload = Integer.parseInt(System.getenv().getOrDefault("FOOTPRINT_PAYLOAD", "0"));
        int inFlight = Integer.parseInt(System.getenv().getOrDefault("FOOTPRINT_INFLIGHT", "64"));
        Map<String, List<String>> sets = new LinkedHashMap<>();
        for (char c = 'A'; c <= 'F'; c++) {
            String flags = System.getenv("FOOTPRINT_" + c);
            if (flags != null && !flags.isBlank()) {
                sets.put(String.valueOf(c), List.of(flags.trim().split("\\s+")));
            }
        }
        if (sets.isEmpty()) {
            sets.put("A", BenchMain.containerJavaOpts());
        }
        sets.forEach((k, v) -> System.out.printf("%s: %s%n", k, String.join(" ", v)));
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        RedisServerExtension redis = new RedisServerExtension();
        redis.start();
        try (RpcPair rpc = new RpcPair(redis.dsn())) {
            for (int round = 1; round <= rounds; round++) {
                for (Map.Entry<String, List<String>> set : sets.entrySet()) {
                    double[] r = measure(
                            rpc,
                            redis.dsn(),
                            set.getValue(),
                            warmup,
                            window,
                            inFlight,
                            BenchMain.peerParams(rpc, payload));
                    results.computeIfAbsent(set.getKey(), k -> new ArrayList<>())
                            .add(r);
                    System.out.printf(
                            Locale.ROOT,
                            "round %d %s: idle RSS %.1f MB | %d in flight, %d B: %.0f calls/s, %.1f cpu us/call | RSS peak"
                                    + " %.1f MB%n",
                            round,
                            set.getKey(),
                            r[0],
                            inFlight,
                            payload,
                            r[1],
                            r[2],
                            r[3]);
                }
            }
        } finally {
            redis.stop();
        }
        System.out.println("\nmedians: idle RSS MB, calls/s, cpu us/call, RSS peak MB");
        results.forEach((k, list) -> System.out.printf(
                Locale.ROOT,
                "%s: %.1f %.0f %.1f %.1f%n",
                k,
                median(list, 0),
                median(list, 1),
                median(list, 2),
                median(list, 3)));
        System.exit(0);
    }

    private static double[] measure(
            RpcPair rpc,
            String dsn,
            List<String> flags,
            long warmup,
            long window,
            int inFlight,
            com.fasterxml.jackson.databind.node.ObjectNode params)
            throws Exception {
        try (PeerProcess band = PeerProcess.band(dsn, 0, flags, System.getProperty("java.class.path"))) {
            band.awaitReady();
            Thread.sleep(1000);
            double idle = ProcStat.memoryMb(band.pid(), "VmRSS");
            RpcPair.Load load = rpc.bandThroughput(inFlight, warmup, window, params, band.pid());
            double peak = ProcStat.memoryMb(band.pid(), "VmHWM");
            return new double[] {idle, load.callsPerSecond(), load.serverCpuUsPerCall(), peak};
        }
    }

    private static double median(List<double[]> list, int i) {
        double[] v = list.stream().mapToDouble(r -> r[i]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
