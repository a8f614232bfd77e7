package org.rockstat.band.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.dispatch.ServiceStatus;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.internal.rpc.WireCodec;
import org.rockstat.band.rpc.MethodSpec;

/**
 * Pair 3: in-process dispatch of one request message. Band: decode the envelope, bind params,
 * invoke {@code echo} on the calling thread (as the RPC endpoint does on the message's own
 * virtual thread), encode the response. {@code bandHandoff}: the same with the hand-off to a new
 * virtual thread that HTTP calls take. Raw: Jackson
 * parse + serialise of the same message with a plain {@code ObjectMapper}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DispatchBench {
    /** Registered methods: {@code echo} plus fillers. */
    @Param({"10"})
    public int methods;

    /** Size of the params object: 100B, 10KB or 1MB. */
    @Param({"100B"})
    public String payload;

    private String message;
    private Dispatcher dispatcher;
    private final ObjectMapper plain = new ObjectMapper();

    @Setup(Level.Trial)
    public void setUp() {
        Settings settings = Settings.of(Map.of("name", Peer.BAND_SERVICE, "listen", "127.0.0.1:0"));
        ServiceModel.Builder builder = ServiceModel.builder(settings).service(new EchoOnly());
        for (int i = 1; i < methods; i++) {
            int n = i;
            builder.method(MethodSpec.handler("filler_" + i), call -> n);
        }
        ServiceModel model = builder.build();
        dispatcher = new Dispatcher(model, new ServiceStatus(Peer.BAND_SERVICE, model, Clock.systemUTC()), 1000);
        message = WireCodec.encodeRequest("1712345678901", Peer.BAND_SERVICE, "echo", "bench-cli", params(bytes(payload)));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dispatcher.close();
    }

    /** As the RPC endpoint does on the message's delivery thread: the call runs there. */
    @Benchmark
    public String band() {
        WireCodec.Request request = WireCodec.decodeRequest(message, "redis");
        Object result = dispatcher.call(request.method(), request.params(), request.context(), true).join();
        return WireCodec.encodeResult(request, result, Peer.BAND_SERVICE);
    }

    /** The same with the call handed to a new virtual thread and joined, as the HTTP path does. */
    @Benchmark
    public String bandHandoff() {
        WireCodec.Request request = WireCodec.decodeRequest(message, "redis");
        Object result = dispatcher.call(request.method(), request.params(), request.context()).join();
        return WireCodec.encodeResult(request, result, Peer.BAND_SERVICE);
    }

    @Benchmark
    public String raw() throws Exception {
        return plain.writeValueAsString(plain.readTree(message));
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
        ObjectNode params = Json.object();
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
        public ObjectNode echo(org.rockstat.band.rpc.Params params) {
            return params.node();
        }
    }
}
