package org.rockstat.band.examples.debug;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.rockstat.band.Band;
import org.rockstat.band.annotation.Enricher;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Task;
import org.rockstat.band.call.Params;
import org.rockstat.band.call.Response;
import org.rockstat.band.call.ResponseStream;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.client.RemoteMethod;
import org.rockstat.band.client.RemoteService;
import org.rockstat.band.client.RpcClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Python debug_test service: every result type, aliases, the wildcard handler, timeouts and a
 * cron task, a streamed body; and what the Python band cannot do: an enricher with an alias that
 * front matches, a typed client.
 */
public final class DebugService {
    private static final Logger log = LoggerFactory.getLogger(DebugService.class);
    private final AtomicLong taskRuns = new AtomicLong();
    private final AtomicLong enriched = new AtomicLong();
    private static final String PADDING = "x".repeat(55);

    @Handler
    public Object test1() {
        return null;
    }

    @Handler
    public Response test2(Params params) {
        return Response.data(params.asMap());
    }

    /** Echoes its params as typed data. */
    @Handler
    public Response data(Params params) {
        return Response.data(params.asMap());
    }

    @Handler
    public Response err() {
        return Response.error("Some err");
    }

    @Handler
    public Response error() {
        return Response.error("Some error");
    }

    @Handler
    public Response pix() {
        return Response.pixel();
    }

    @Handler
    public Response red() {
        return Response.redirect("https://ya.ru");
    }

    /** Published by front under another service name: in.gen.secret.alias. */
    @Handler(alias = "secret")
    public Map<String, Object> alias() {
        return Map.of("message", "you are catch me!");
    }

    @Handler(alias = "secret", name = "again")
    public Map<String, Object> alias2() {
        return Map.of("message", "again!");
    }

    /** Catches every name under in.gen.test_go. */
    @Handler(alias = "test_go", name = "*")
    public Map<String, Object> wildcard(String name) {
        return Map.of("name", name);
    }

    /**
     * Enriches the events of the debug routes under another name: front stores the answer in
     * {@code data.debug_info}, and takes it at once because Band answers from the alias.
     */
    @Enricher(
            keys = "in.gen.debug",
            props = {"ip=td.ip", "ua=td.ua"},
            alias = "debug_info")
    public Map<String, Object> enrich(Optional<String> ip, Optional<String> ua) {
        return Map.of(
                "ip", ip.orElse(""), "ua_length", ua.map(String::length).orElse(0), "n", enriched.incrementAndGet());
    }

    /** Slower than front's default wait. */
    @Handler
    public Response long_method(Params params) throws InterruptedException {
        Thread.sleep(Duration.ofSeconds(15));
        return Response.data(params.asMap());
    }

    /** Tells front to wait 18 s. */
    @Handler(timeout = 18000)
    public Response long_method2(Params params) throws InterruptedException {
        Thread.sleep(Duration.ofSeconds(15));
        return Response.data(params.asMap());
    }

    /** Every minute. */
    @Task(cron = "*/1 * * * *")
    public void minutely() {
        log.info("Debug task run #{}", taskRuns.incrementAndGet());
    }

    /** How many times the task ran. */
    @Expose
    public Map<String, Object> task_runs() {
        return Map.of("runs", taskRuns.get());
    }

    /**
     * The Python debug service's {@code stream}: a body sent while it is generated, {@code mb}
     * megabytes (4 by default) of numbered lines, chunked; the client's pace sets the producer's.
     */
    @Expose
    public ResponseStream stream(Optional<Integer> mb) {
        long size = (long) Math.clamp(mb.orElse(4), 1, 1024) << 20;
        return ResponseStream.of(out -> {
                    long sent = 0;
                    for (long line = 1; sent < size; line++) {
                        byte[] text = (String.format(java.util.Locale.ROOT, "%08d ", line) + PADDING + "\n")
                                .getBytes(StandardCharsets.US_ASCII);
                        int n = (int) Math.min(text.length, size - sent);
                        out.write(text, 0, n); // blocks while the client reads slower than this loop writes
                        sent += n;
                    }
                })
                .contentType("text/plain; charset=us-ascii");
    }

    /** This service's own methods as a caller sees them: a typed client (any service can declare one). */
    @RemoteService(value = "debug", timeout = 1000)
    public interface DebugClient {
        /** What {@code task_runs} answers. */
        record Runs(long runs) {}

        @RemoteMethod(name = "task_runs")
        Runs taskRuns();
    }

    /** Calls {@code task_runs} over RPC through the typed client Band passes in. */
    @Expose
    public Map<String, Object> self_check(DebugClient self) {
        return Map.of("runs_over_rpc", self.taskRuns().runs());
    }

    /**
     * Calls a service nobody runs: nobody received the request, so it fails at once with "no
     * service ... is listening" instead of waiting its 5 s.
     */
    @Expose
    public Map<String, Object> absent(RpcClient rpc) {
        long start = System.nanoTime();
        try {
            return Map.of("answer", String.valueOf(rpc.call("nobody_runs_this", "ping", null, Duration.ofSeconds(5))));
        } catch (RpcException e) {
            return Map.of("error", e.getMessage(), "after_ms", (System.nanoTime() - start) / 1_000_000);
        }
    }

    public static void main(String[] args) {
        Band.run(args, new DebugService());
    }
}
