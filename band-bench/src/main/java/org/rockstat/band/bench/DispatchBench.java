package org.rockstat.band.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.rockstat.band.Band;
import org.rockstat.band.BandClient;
import org.rockstat.band.RunningService;
import org.rockstat.band.call.Params;
import org.rockstat.band.config.Settings;
import org.rockstat.band.method.MethodSpec;

/**
 * Pair 3: in-process dispatch of one request message, through public API only. Both sides sit on
 * one in-process bus and pay the same two virtual-thread deliveries (request in, answer out).
 * Band: a running service decodes the envelope, binds params, invokes {@code echo} and encodes the
 * response. Raw: a bare subscriber parses the same message with a plain {@code ObjectMapper} and
 * writes the same answer. The ratio is what Band's dispatch costs over Jackson.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DispatchBench {
    private static final String CALLER = "dispatch-cli";
    private static final String RAW = "dispatch-raw";
    private static final AtomicLong BUSES = new AtomicLong();

    /** Registered methods: {@code echo} plus fillers. */
    @Param({"10"})
    public int methods;

    /** Size of the params object: 100B, 10KB or 1MB. */
    @Param({"100B"})
    public String payload;

    /** {@code on}: the service runs with {@code metrics.prometheus: true} (every call timed); {@code off}: none. */
    @Param({"off"})
    public String metrics;

    private final ObjectMapper plain = new ObjectMapper();
    private final AtomicReference<CompletableFuture<byte[]>> reply = new AtomicReference<>();
    private RunningService service;
    private BandClient caller;
    private BandClient observer;
    private BandClient.Subscription replies;
    private BandClient.Subscription rawService;
    private byte[] bandMessage;
    private byte[] rawMessage;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String dsn = "memory://dispatch-bench-" + BUSES.incrementAndGet();
        service = start(dsn, methods, metrics.equals("on"));
        caller = BandClient.connect("dispatch-publisher", dsn);
        observer = BandClient.connect("dispatch-observer", dsn);
        // the bus carries bytes: both sides take and give them as they are, no String between
        replies = observer.subscribeBytes(
                CALLER, (channel, message) -> reply.get().complete(message));
        rawService = observer.subscribeBytes(RAW, (channel, message) -> rawEcho(message));
        for (var ready : java.util.List.of(
                service.ready(), caller.ready(), observer.ready(), replies.ready(), rawService.ready())) {
            ready.toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        ObjectNode params = params(bytes(payload));
        bandMessage = request("1712345678901", Peer.BAND_SERVICE, "echo", CALLER, params)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        rawMessage =
                request("1712345678901", RAW, "echo", CALLER, params).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The Band service of this pair on the bus {@code dsn}: {@code echo} and fillers up to {@code methods}. */
    static RunningService start(String dsn, int methods, boolean metrics) {
        Band builder = Band.create(Settings.of(Map.of(
                        "name",
                        Peer.BAND_SERVICE,
                        "listen",
                        "127.0.0.1:0",
                        "redis_dsn",
                        dsn,
                        "rpc",
                        // the 1MB case is a 1 MiB params object: the message around it must be accepted,
                        // or the pair would time Band's refusal instead of its dispatch
                        Map.of("max_in_flight", 1000, "max_message_bytes", 4 * 1024 * 1024),
                        "metrics",
                        Map.of("prometheus", metrics))))
                .service(new EchoOnly());
        for (int i = 1; i < methods; i++) {
            int n = i;
            builder.method(MethodSpec.handler("filler_" + i), call -> n);
        }
        return builder.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        replies.close();
        rawService.close();
        observer.close();
        caller.close();
        service.stop();
    }

    @Benchmark
    public byte[] band() throws Exception {
        return roundTrip(Peer.BAND_SERVICE, bandMessage);
    }

    @Benchmark
    public byte[] raw() throws Exception {
        return roundTrip(RAW, rawMessage);
    }

    private byte[] roundTrip(String channel, byte[] message) throws Exception {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        reply.set(answer);
        caller.publish(channel, message);
        return answer.get(10, TimeUnit.SECONDS);
    }

    /** What a bare Jackson service does with the request: parse, answer with its params. */
    private void rawEcho(byte[] message) {
        try {
            JsonNode request = plain.readTree(message);
            ObjectNode response = plain.createObjectNode();
            response.put("jsonrpc", "2.0");
            response.set("id", request.get("id"));
            response.set("result", request.get("params"));
            response.put("from", RAW);
            response.put("to", CALLER);
            caller.publish(CALLER, plain.writeValueAsBytes(response));
        } catch (Exception e) {
            reply.get().completeExceptionally(e);
        }
    }

    /** A request in Band's wire form (PROTOCOL §2), written with plain Jackson. */
    static String request(String id, String to, String method, String from, ObjectNode params) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("jsonrpc", "2.0");
        node.put("id", id);
        node.put("method", to + ":" + method + ":" + from);
        node.set("params", params);
        node.put("to", to);
        node.put("from", from);
        return node.toString();
    }

    static int bytes(String payload) {
        return switch (payload) {
            case "100B" -> 100;
            case "10KB" -> 10 * 1024;
            case "1MB" -> 1024 * 1024;
            default -> throw new IllegalArgumentException(payload);
        };
    }

    /** A params object of about {@code size} bytes: an event with many short fields, as front sends. */
    static ObjectNode params(int size) {
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        params.put("name", "in.gen.track");
        ObjectNode data = params.putObject("data");
        int length = params.toString().length();
        for (int i = 0; length < size - 4; i++) {
            String key = "k" + i;
            String value = "v" + i + "-abcdefghij";
            data.put(key, value);
            length += key.length() + value.length() + 6;
        }
        return params;
    }

    /** The only annotated method of the dispatch model. */
    public static final class EchoOnly {
        @org.rockstat.band.annotation.Handler
        public ObjectNode echo(Params params) {
            return params.node();
        }
    }
}
