package org.rockstat.band.examples.debug;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.rockstat.band.Band;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Task;
import org.rockstat.band.rpc.Params;
import org.rockstat.band.rpc.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Python debug_test service: every result type, aliases, the wildcard handler, timeouts and a cron task. */
public final class DebugService {
    private static final Logger log = LoggerFactory.getLogger(DebugService.class);
    private final AtomicLong taskRuns = new AtomicLong();

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

    public static void main(String[] args) {
        Band.run(args, new DebugService());
    }
}
