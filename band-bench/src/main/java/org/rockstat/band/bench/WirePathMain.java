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

/**
 * The per-byte path of one Redis request, on one thread, without Redis: what issue 13 part 2
 * changed, measured in the process's CPU time (the collector's included) with the rest of the server (event loops, virtual threads,
 * Redis) left out, so a loaded machine moves it less than the end-to-end pairs. {@code text}: the
 * path before, a {@code String} codec ({@code StringCodec.decodeValue}, {@code readTree(String)},
 * {@code writeValueAsString}, {@code StringCodec.encodeValue} into a Netty buffer); {@code bytes}:
 * the path now (the message copied out of the buffer, {@code readTree(byte[])},
 * {@code writeValueAsBytes} with surrogate pairs combined, as {@code Json.utf8} writes, copied into
 * a Netty buffer). Both use a mapper made as Band's ({@code Json}, internal to band-core) is, bind
 * the params as the bench's {@code echo} does ({@code Params.asMap()}) and answer with them in a
 * result's five fields. The two alternate in short
 * windows after a warm-up; each figure is the median of the windows' CPU µs per message.
 *
 * <pre>java -cp band-bench/target/classes:$(cat band-bench/target/bench-classpath.txt) \
 *     org.rockstat.band.bench.WirePathMain [rounds] [window_ms]</pre>
 */
public final class WirePathMain {
    /** The process's CPU time: the collector's work for what a path allocates counts too. */
    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                    .build())
            .build();
    private static final ObjectWriter UTF8 = MAPPER.writer().with(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);

    private WirePathMain() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        long windowMs = args.length > 1 ? Long.parseLong(args[1]) : 300;
        System.out.printf(
                Locale.ROOT,
                "wire path, one thread, process CPU time: %d round(s) of a %d ms window per side, alternating; load average %.2f%n",
                rounds,
                windowMs,
                ProcStat.load1());
        List<String[]> cases = new ArrayList<>();
        for (int payload : new int[] {0, 10_000, 100_000}) {
            cases.add(new String[] {String.valueOf(payload), "ascii", message(payload, "x")});
            cases.add(new String[] {String.valueOf(payload), "cyrillic", message(payload, "ж")});
        }
        // warm-up: both paths compiled for every size before anything counts
        for (int pass = 0; pass < 3; pass++) {
            for (String[] c : cases) {
                byte[] wire = c[2].getBytes(StandardCharsets.UTF_8);
                long until = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < until) {
                    text(wire);
                    bytes(wire);
                }
            }
        }
        for (String[] c : cases) {
            byte[] wire = c[2].getBytes(StandardCharsets.UTF_8);
            List<Double> t = new ArrayList<>();
            List<Double> b = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                boolean textFirst = r % 2 == 0;
                double first = window(wire, textFirst, windowMs);
                double second = window(wire, !textFirst, windowMs);
                t.add(textFirst ? first : second);
                b.add(textFirst ? second : first);
            }
            double tm = median(t);
            double bm = median(b);
            System.out.printf(
                    Locale.ROOT,
                    "  %6s B params, %-8s (%7d bytes): text %9.2f  bytes %9.2f CPU us/message  bytes/text %.2f%n",
                    c[0],
                    c[1],
                    wire.length,
                    tm,
                    bm,
                    bm / tm);
        }
    }

    /** CPU µs per message over one window of one path. */
    private static double window(byte[] wire, boolean textPath, long windowMs) {
        long n = 0;
        long cpu0 = CPU.getProcessCpuTime();
        long end = System.nanoTime() + windowMs * 1_000_000;
        while (System.nanoTime() < end) {
            if (textPath) {
                text(wire);
            } else {
                bytes(wire);
            }
            n++;
        }
        return (CPU.getProcessCpuTime() - cpu0) / 1e3 / n;
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

    /** Now: the bytes copied once each way, Jackson over bytes. */
    private static int bytes(byte[] wire) {
        byte[] message = java.util.Arrays.copyOf(wire, wire.length);
        try {
            JsonNode tree = MAPPER.readTree(message);
            byte[] answer = UTF8.writeValueAsBytes(answer(tree));
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

    /** Pair 5's request: the 205-byte call, its {@code data.blob} padded to {@code payload} characters. */
    private static String message(int payload, String pad) {
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("name", "in.gen.track");
        ObjectNode data = params.putObject("data")
                .put("page", "https://example.org/landing?utm_source=bench")
                .put("n", 42);
        if (payload > 0) {
            data.put("blob", pad.repeat(payload));
        }
        return DispatchBench.request("1712345678901", Peer.BAND_SERVICE, "echo", "bench-cli", params);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
