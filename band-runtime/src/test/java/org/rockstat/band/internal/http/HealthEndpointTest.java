package org.rockstat.band.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.call.Params;
import org.rockstat.band.config.Settings;
import org.rockstat.band.fixtures.Figures;
import org.rockstat.band.fixtures.HttpProbe;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.runtime.ServiceAssembly;

/**
 * {@code /__health/live} and {@code /__health/ready} of a whole service on a real redis-server:
 * readiness follows Redis going away (killed, or frozen so only the watchdog can tell) and coming
 * back, and the drain; Band's reserved paths never reach the wildcard handler.
 */
@Tag("slow")
class HealthEndpointTest {
    static final RedisServerExtension redis = new RedisServerExtension();
    static final String READY =
            "{\"status\":\"ready\",\"checks\":{\"http\":\"up\",\"transport\":\"up\",\"replicas\":\"up\","
                    + "\"draining\":false}}";

    private ServiceAssembly service;
    private HttpProbe http;

    /** A wildcard handler (as the debug example has) and a method held until released. */
    public static final class Wild {
        final CountDownLatch gate = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);

        @Handler(name = "*")
        public Map<String, Object> any(Params params) {
            return Map.of("name", String.valueOf(params.string("name")));
        }

        @Expose
        public String held() throws InterruptedException {
            entered.countDown();
            return gate.await(10, TimeUnit.SECONDS) ? "released" : "gate never opened";
        }
    }

    @AfterEach
    void stopService() {
        if (http != null) {
            http.close();
        }
        if (service != null) {
            service.stop();
        }
    }

    @AfterAll
    static void stopRedis() {
        redis.afterAll(null);
    }

    private Wild start(String name) {
        if (!redis.isRunning()) {
            redis.start();
        }
        Wild wild = new Wild();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("name", name);
        settings.put("redis_dsn", redis.dsn());
        settings.put("listen", "127.0.0.1:0");
        settings.put("rpc", Map.of("watchdog_every_ms", 100, "watchdog_timeout_ms", 600));
        settings.put("shutdown", Map.of("grace_ms", 10_000));
        service = ServiceAssembly.start(Settings.of(settings), List.of(), List.of(wild), List.of());
        service.ready().orTimeout(10, TimeUnit.SECONDS).join();
        http = HttpProbe.local(service.httpPort());
        return wild;
    }

    private HttpProbe.Result ready() {
        return http.get("/__health/ready");
    }

    @Test
    void liveReadyAndReservedPaths() {
        start("healthy");
        HttpProbe.Result live = http.get("/__health/live");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"status\":\"live\"}");
        assertThat(live.header("Content-Type")).isEqualTo(ResponseRenderer.JSON);
        assertThat(live.header("Cache-Control")).isEqualTo("no-store");
        HttpProbe.Result ready = ready();
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo(READY);
        assertThat(http.get("/__health/ready/").body()).isEqualTo(READY);

        // the wildcard answers any other single segment, never one of Band's
        assertThat(http.get("/anything").body()).isEqualTo("{\"name\":\"anything\"}");
        for (String path : List.of("/__metrics", "/__health", "/__health/other", "/%5F%5Fmetrics", "/__metrics?x=1")) {
            HttpProbe.Result answer = http.get(path);
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat(answer.body())
                    .as(path)
                    .isEqualTo("{\"message\":\"Not found: GET " + path.replace("?x=1", "") + "\"}");
        }
        assertThat(http.get("/__status").status()).isEqualTo(200);
        HttpProbe.Result post = http.post("/__health/ready", "{}");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
        assertThat(post.body()).isEqualTo("{\"message\":\"Method not allowed: POST /__health/ready\"}");
    }

    @Test
    void notReadyWhileRedisIsDownAndReadyWhenItIsBack() {
        start("flipping");
        assertThat(ready().body()).isEqualTo(READY);

        long killed = System.nanoTime();
        redis.kill();
        AtomicReference<HttpProbe.Result> down = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            down.set(ready());
            return down.get().status() == 503;
        });
        Figures.record("health.redis_killed_to_503", millisSince(killed), "ms");
        assertThat(down.get().body())
                .matches("\\{\"status\":\"not ready\",\"checks\":\\{\"http\":\"up\","
                        + "\"transport\":\"down: reconnecting to Redis( \\(.+\\))?\",\"replicas\":\"down: joining\","
                        + "\"draining\":false}}");
        // live stays up: restarting the process would not bring Redis back
        assertThat(http.get("/__health/live").status()).isEqualTo(200);
        // the reason of the failed attempts shows once one has failed
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ready().body().contains("\"transport\":\"down: reconnecting to Redis ("));
        assertThat(ready().body())
                .isEqualTo("{\"status\":\"not ready\",\"checks\":{\"http\":\"up\","
                        + "\"transport\":\"down: reconnecting to Redis (Connection refused)\",\"replicas\":\"down: joining\","
                        + "\"draining\":false}}");

        redis.start();
        long restarted = System.nanoTime();
        await().atMost(Duration.ofSeconds(15)).until(() -> ready().status() == 200);
        Figures.record("health.redis_restarted_to_200", millisSince(restarted), "ms");
        assertThat(ready().body()).isEqualTo(READY);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    @Test
    void aFrozenRedisIsFoundByTheWatchdog() {
        start("frozen");
        assertThat(ready().body()).isEqualTo(READY);
        long frozen = System.nanoTime();
        redis.pause(); // SIGSTOP: sockets stay open, nothing answers; only the canary can tell
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> ready().status() == 503);
            Figures.record("health.redis_frozen_to_503", millisSince(frozen), "ms (watchdog_timeout_ms 600)");
            assertThat(ready().body())
                    .startsWith("{\"status\":\"not ready\",\"checks\":{\"http\":\"up\","
                            + "\"transport\":\"down: reconnecting to Redis");
        } finally {
            redis.unpause();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> ready().status() == 200);
        assertThat(ready().body()).isEqualTo(READY);
    }

    @Test
    void notReadyWhileDraining() throws Exception {
        Wild wild = start("draining");
        try (RawHttp kept = new RawHttp(URI.create("http://127.0.0.1:" + service.httpPort()))) {
            kept.write("GET /__health/ready HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(kept.read().body()).isEqualTo(READY);
            CompletableFuture<HttpProbe.Result> held = CompletableFuture.supplyAsync(() -> http.get("/held"));
            assertThat(wild.entered.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(service::stop);
            // the call in flight holds the drain; the kept connection still gets answers
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> service.health().ready().draining());
            kept.write("GET /__health/ready HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Answer answer = kept.read();
            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.body())
                    .isIn(
                            "{\"status\":\"not ready\",\"checks\":{\"http\":\"up\",\"transport\":\"up\","
                                    + "\"replicas\":\"down: leaving\",\"draining\":true}}",
                            "{\"status\":\"not ready\",\"checks\":{\"http\":\"down: not accepting connections\","
                                    + "\"transport\":\"up\",\"replicas\":\"down: leaving\",\"draining\":true}}");
            wild.gate.countDown();
            assertThat(held.get(10, TimeUnit.SECONDS).body()).isEqualTo("released");
            stopping.get(15, TimeUnit.SECONDS);
        }
        assertThat(service.health().ready().body().toString())
                .isEqualTo("{status=not ready, checks={http=down: not accepting connections,"
                        + " transport=down: closed, replicas=down: leaving, draining=true}}");
    }

    /** The runtime image's HEALTHCHECK command, as Docker runs it (exec form: no shell of Docker's). */
    static List<String> imageHealthcheck() throws java.io.IOException {
        Path dockerfile = Path.of("").toAbsolutePath().getParent().resolve("docker/base/Dockerfile");
        Matcher m = Pattern.compile("(?m)^HEALTHCHECK [^\\n]*\\\\\\n\\s*CMD (\\[.*])$")
                .matcher(Files.readString(dockerfile));
        assertThat(m.find()).as("HEALTHCHECK ... CMD [...] in " + dockerfile).isTrue();
        return List.of(Json.mapper().readValue(m.group(1), String[].class));
    }

    private static int probe(List<String> command, int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PORT", Integer.toString(port));
        Process process = builder.start();
        process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("probe ended").isTrue();
        return process.exitValue();
    }

    @Test
    void theImagesHealthcheckFollowsReadiness() throws Exception {
        List<String> command = imageHealthcheck();
        assertThat(command.subList(0, 2))
                .as("bash's /dev/tcp, no curl in the image")
                .containsExactly("bash", "-c");
        assertThat(command.get(2)).contains("/__health/ready").doesNotContain("curl", "wget");
        start("probed");
        int port = service.httpPort();
        assertThat(probe(command, port)).isZero();
        redis.kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> probe(command, port) == 1);
        redis.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> probe(command, port) == 0);
        service.stop();
        assertThat(probe(command, port)).as("nothing listens any more").isEqualTo(1);
    }

    @Test
    void theReadyLineWaitsForRedis() {
        redis.start();
        redis.kill();
        try (LogCapture log = LogCapture.of(ServiceAssembly.class)) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("name", "late");
            settings.put("redis_dsn", redis.dsn());
            settings.put("listen", "127.0.0.1:0");
            service = ServiceAssembly.start(Settings.of(settings), List.of(), List.of(new Wild()), List.of());
            http = HttpProbe.local(service.httpPort());
            String waiting = log.awaitMessage("waiting for", Duration.ofSeconds(5));
            assertThat(waiting)
                    .isEqualTo("Service 'late': HTTP on 127.0.0.1:" + service.httpPort() + "; waiting for Redis (redis "
                            + redis.dsn() + ") before it is ready");
            assertThat(log.count("ready in")).isZero();
            assertThat(ready().status()).isEqualTo(503);
            assertThat(ready().body()).contains("\"transport\":\"down: connecting to Redis");

            redis.start();
            String line = log.awaitMessage("ready in", Duration.ofSeconds(15));
            assertThat(line).startsWith("Service 'late' ready in ");
            assertThat(ready().body()).isEqualTo(READY);
            assertThat(log.count("waiting for")).isEqualTo(1);
        }
    }
}
