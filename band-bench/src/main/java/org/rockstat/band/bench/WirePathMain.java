package org.rockstat.band.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.codec.StringCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rockstat.band.call.Params;
import org.rockstat.band.internal.json.Json;

/**
 * The per-byte path of one Redis request, on one thread, without Redis: what issue 13 part 2
 * changed, measured in the process's CPU time (the collector's included) with the rest of the server (event loops, virtual threads,
 * Redis) left out, so a loaded machine moves it less than the end-to-end pairs. {@code text}: the
 * path before, a {@code String} codec ({@code StringCodec.decodeValue}, {@code readTree(String)},
 * {@code writeValueAsString}, {@code StringCodec.encodeValue} into a Netty buffer); {@code bytes}:
 * the path now (the message copied out of the buffer, {@code readTree(byte[])},
 * {@code writeValueAsBytes} with surrogate pairs combined, as {@code Json.utf8} writes, copied into
 * a Netty buffer) with plain Jackson: a mapper made as Band's ({@code Json}, internal to
 * band-core) is, without its generator decorator; {@code band}: the same with Band's own mapper
 * ({@code Json.mapper().readTree}, {@code Json.utf8}), so what Band adds to Jackson's writing of long
 * strings counts. All bind the params as the bench's {@code echo} does ({@code Params.asMap()}) and
 * answer with them in a result's five fields. The paths alternate in short windows after a warm-up;
 * each figure is the median of the windows' CPU µs per message, followed by what a message
 * allocates (this thread's count, after the windows); the collector's totals and the peak RSS
 * close the run. The third argument picks the paths
 * (comma-separated, all three by default): one path alone is what a server runs, without the
 * others' use of Jackson's code in the JIT's profiles.
 *
 * <pre>java -cp band-bench/target/classes:$(cat band-bench/target/bench-classpath.txt) \
 *     org.rockstat.band.bench.WirePathMain [rounds] [window_ms] [text,bytes,band]</pre>
 */
public final class WirePathMain {
    /** The process's CPU time: the collector's work for what a path allocates counts too. */
    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                    .build())
            .build();
    private static final ObjectWriter UTF8 = MAPPER.writer().with(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);

    private WirePathMain() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        long windowMs = args.length > 1 ? Long.parseLong(args[1]) : 300;
        List<String> paths = List.of((args.length > 2 ? args[2] : "text,bytes,band").split(","));
        System.out.printf(
                Locale.ROOT,
                "wire path, one thread, process CPU time: %d round(s) of a %d ms window per path (%s), alternating; load average %.2f%n",
                rounds,
                windowMs,
                String.join(", ", paths),
                ProcStat.load1());
        List<String[]> cases = new ArrayList<>();
        // without params every pad gives the same 205-byte call
        cases.add(new String[] {"0", "none", message(0, "")});
        for (int payload : new int[] {10_000, 100_000}) {
            cases.add(new String[] {String.valueOf(payload), "ascii", message(payload, "x")});
            // JSON text as a value: a quote, a backslash or a newline every few characters
            cases.add(new String[] {String.valueOf(payload), "escaped", message(payload, "{\"k\":\"a\\\\b\"}\n")});
            // western text: mostly ASCII, some Latin-1 letters of two bytes
            cases.add(new String[] {String.valueOf(payload), "latin-1", message(payload, "Caf\u00e9 cr\u00e8me ")});
            cases.add(new String[] {String.valueOf(payload), "cyrillic", message(payload, "\u0436")});
        }
        // warm-up: every path compiled for every size before anything counts
        for (int pass = 0; pass < 3; pass++) {
            for (String[] c : cases) {
                byte[] wire = c[2].getBytes(StandardCharsets.UTF_8);
                long until = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < until) {
                    for (String path : paths) {
                        run(path, wire);
                    }
                }
            }
        }
        for (String[] c : cases) {
            byte[] wire = c[2].getBytes(StandardCharsets.UTF_8);
            Map<String, List<Double>> windows = new LinkedHashMap<>();
            for (String path : paths) {
                windows.put(path, new ArrayList<>());
            }
            for (int r = 0; r < rounds; r++) {
                // each round starts with another path
                for (int i = 0; i < paths.size(); i++) {
                    String path = paths.get((r + i) % paths.size());
                    windows.get(path).add(window(wire, path, windowMs));
                }
            }
            StringBuilder line = new StringBuilder(
                    String.format(Locale.ROOT, "  %6s B params, %-8s (%7d bytes):", c[0], c[1], wire.length));
            windows.forEach((path, w) -> line.append(String.format(Locale.ROOT, " %s %9.2f", path, median(w))));
            line.append(" CPU us/message; allocated KB/message:");
            for (String path : paths) {
                line.append(String.format(Locale.ROOT, " %s %.1f", path, allocatedKb(wire, path)));
            }
            if (windows.containsKey("text") && windows.containsKey("bytes")) {
                line.append(String.format(
                        Locale.ROOT, "  bytes/text %.2f", median(windows.get("bytes")) / median(windows.get("text"))));
            }
            if (windows.containsKey("bytes") && windows.containsKey("band")) {
                line.append(String.format(
                        Locale.ROOT, "  band/bytes %.2f", median(windows.get("band")) / median(windows.get("bytes"))));
            }
            System.out.println(line);
        }
        long collections = 0;
        long collectionMs = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            collections += gc.getCollectionCount();
            collectionMs += gc.getCollectionTime();
        }
        System.out.printf(
                Locale.ROOT,
                "collector: %d collections, %d ms in all; peak RSS %.0f MB; load average %.2f%n",
                collections,
                collectionMs,
                ProcStat.memoryMb(ProcessHandle.current().pid(), "VmHWM"),
                ProcStat.load1());
    }

    /** The heap one message of one path allocates on this thread, in KB. */
    private static double allocatedKb(byte[] wire, String path) {
        int n = 200;
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < n; i++) {
            run(path, wire);
        }
        return (THREADS.getCurrentThreadAllocatedBytes() - before) / 1024.0 / n;
    }

    /** CPU µs per message over one window of one path. */
    private static double window(byte[] wire, String path, long windowMs) {
        long n = 0;
        long cpu0 = CPU.getProcessCpuTime();
        long end = System.nanoTime() + windowMs * 1_000_000;
        while (System.nanoTime() < end) {
            run(path, wire);
            n++;
        }
        return (CPU.getProcessCpuTime() - cpu0) / 1e3 / n;
    }

    private static int run(String path, byte[] wire) {
        return switch (path) {
            case "text" -> text(wire);
            case "bytes" -> bytes(wire, MAPPER, UTF8);
            case "band" -> bytes(wire, Json.mapper(), null);
            default -> throw new IllegalArgumentException("no path " + path + ": text, bytes or band");
        };
    }

    /** Before: Lettuce's String codec both ways, Jackson over chars. */
    private static int text(byte[] wire) {
        String message = StringCodec.UTF8.decodeValue(ByteBuffer.wrap(wire));
        try {
            JsonNode tree = MAPPER.readTree(message);
            String answer = MAPPER.writeValueAsString(answer(tree));
            ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer();
            StringCodec.UTF8.encodeValue(answer, out);
            int size = out.readableBytes();
            out.release();
            return size;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Now: the bytes copied once each way, Jackson over bytes; with Band's {@code Json} when
     * {@code writer} is null.
     */
    private static int bytes(byte[] wire, ObjectMapper mapper, ObjectWriter writer) {
        byte[] message = java.util.Arrays.copyOf(wire, wire.length);
        try {
            JsonNode tree = mapper.readTree(message);
            byte[] answer = writer == null ? Json.utf8(answer(tree)) : writer.writeValueAsBytes(answer(tree));
            ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer();
            out.writeBytes(answer);
            int size = out.readableBytes();
            out.release();
            return size;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The echo's answer, its fields in a result's order. */
    private static Map<String, Object> answer(JsonNode request) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("jsonrpc", "2.0");
        answer.put("id", request.get("id"));
        answer.put("result", Params.of((ObjectNode) request.get("params")).asMap());
        answer.put("from", "bench-svc");
        answer.put("to", "bench-cli");
        return answer;
    }

    /**
     * Pair 5's request: the 205-byte call, its {@code data.blob} {@code pad} repeated to
     * {@code payload} characters.
     */
    private static String message(int payload, String pad) {
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("name", "in.gen.track");
        ObjectNode data = params.putObject("data")
                .put("page", "https://example.org/landing?utm_source=bench")
                .put("n", 42);
        if (payload > 0) {
            data.put("blob", pad.repeat(payload / pad.length() + 1).substring(0, payload));
        }
        return DispatchBench.request("1712345678901", Peer.BAND_SERVICE, "echo", "bench-cli", params);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
