package org.rockstat.band.internal.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rockstat.band.Band;
import org.rockstat.band.BandClient;
import org.rockstat.band.RunningService;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Task;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.config.ConfigurationException;
import org.rockstat.band.config.Settings;

/**
 * Metrics as an operator sees them: a running service scraped over HTTP in the Prometheus text
 * format (parsed line by line), StatsD lines caught on a real UDP socket, and {@code /__metrics}
 * answering 404 when Prometheus is off, even past a wildcard handler.
 */
@Tag("slow")
class MetricsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AtomicLong BUSES = new AtomicLong();

    public static final class Service {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger ticks = new AtomicInteger();

        @Handler
        public Map<String, Object> ok() {
            return Map.of("ok", true);
        }

        @Handler
        public Object fail() {
            throw new IllegalStateException("database is down");
        }

        @Handler
        public Object needs(String who) {
            return who;
        }

        @Handler(timeout = 50)
        public Object late() throws InterruptedException {
            Thread.sleep(Duration.ofMinutes(1));
            return null;
        }

        @Handler
        public Object slow() throws InterruptedException {
            entered.countDown();
            release.await();
            return "done";
        }

        @Handler
        public Object relay(RpcClient rpc) {
            rpc.call("metrics-svc", "ok", Map.of(), Duration.ofSeconds(5));
            try {
                rpc.call("nobody", "lookup", Map.of(), Duration.ofSeconds(5));
            } catch (RpcException e) {
                return e.code();
            }
            return "heard";
        }

        @Handler(name = "*")
        public Map<String, Object> any(String name) {
            return Map.of("name", name);
        }

        @Task(cron = "0 0 1 1 *")
        public void yearly() {
            if (ticks.incrementAndGet() == 2) {
                throw new IllegalStateException("second run fails");
            }
        }
    }

    private static RunningService start(Service service, String dsn, Map<String, Object> metrics) {
        return Band.create(Settings.of(Map.of(
                        "name",
                        "metrics-svc",
                        "listen",
                        "127.0.0.1:0",
                        "redis_dsn",
                        dsn,
                        "rpc",
                        Map.of("max_in_flight", 1, "max_queued", 0),
                        "metrics",
                        metrics)))
                .service(service)
                .start();
    }

    private static HttpResponse<String> get(RunningService band, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + band.httpPort() + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static PrometheusScrape scrape(RunningService band) throws Exception {
        HttpResponse<String> response = get(band, "/__metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return PrometheusScrape.parse(response.body());
    }

    private static Map<String, String> call(String method, String transport, String outcome) {
        return Map.of(
                "method",
                method,
                "role",
                "handler",
                "transport",
                transport,
                "outcome",
                outcome,
                "service",
                "metrics-svc",
                "env",
                "development");
    }

    @Test
    void aScrapeOverHttpCountsEachCallByMethodTransportAndOutcome() throws Exception {
        Service service = new Service();
        String dsn = "memory://metrics-" + BUSES.incrementAndGet();
        try (RunningService band = start(service, dsn, Map.of("prometheus", true));
                BandClient caller = BandClient.connect("caller", dsn)) {
            band.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
            caller.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(get(band, "/ok").statusCode()).isEqualTo(200);
            assertThat(get(band, "/ok").statusCode()).isEqualTo(200);
            assertThat(get(band, "/fail").statusCode()).isEqualTo(500);
            assertThat(get(band, "/needs").statusCode()).isEqualTo(400);
            assertThat(get(band, "/late").statusCode()).isEqualTo(504);
            assertThat(caller.call("metrics-svc", "ok", Map.of(), Duration.ofSeconds(5)))
                    .isEqualTo(Map.of("ok", true));
            assertThat(get(band, "/relay").body()).isEqualTo(String.valueOf(RpcException.UNAVAILABLE));

            // one call holds slow's only place, the next is refused as overloaded
            CompletableFuture<HttpResponse<String>> held = HTTP.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + band.httpPort() + "/slow"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(service.entered.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(get(band, "/slow").statusCode()).isEqualTo(503);
            PrometheusScrape during = scrape(band);
            Map<String, String> slow = Map.of("method", "slow", "role", "handler");
            assertThat(during.value("band_bulkhead_running", slow)).isEqualTo(1.0);
            assertThat(during.value("band_bulkhead_queued", slow)).isEqualTo(0.0);
            service.release.countDown();
            assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

            band.runTask("yearly").toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThatThrownBy(
                            () -> band.runTask("yearly").toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .hasRootCauseMessage("second run fails");

            PrometheusScrape after = scrape(band);
            assertThat(after.types()).containsEntry("band_calls_seconds", "histogram");
            assertThat(after.value("band_calls_seconds_count", call("ok", "http", "ok")))
                    .isEqualTo(2.0);
            assertThat(after.value("band_calls_seconds_bucket", with(call("ok", "http", "ok"), "le", "+Inf")))
                    .isEqualTo(2.0);
            assertThat(after.value("band_calls_seconds_count", call("fail", "http", "error")))
                    .isEqualTo(1.0);
            assertThat(after.value("band_calls_seconds_count", call("needs", "http", "invalid")))
                    .isEqualTo(1.0);
            assertThat(after.value("band_calls_seconds_count", call("late", "http", "timeout")))
                    .isEqualTo(1.0);
            assertThat(after.value("band_calls_seconds_count", call("slow", "http", "overloaded")))
                    .isEqualTo(1.0);
            assertThat(after.value("band_calls_seconds_count", call("slow", "http", "ok")))
                    .isEqualTo(1.0);
            // the caller's RPC and relay's own call to us, both over the in-process bus
            assertThat(after.value("band_calls_seconds_count", call("ok", "memory", "ok")))
                    .isEqualTo(2.0);
            assertThat(after.value("band_calls_seconds_sum", call("late", "http", "timeout")))
                    .isGreaterThanOrEqualTo(0.05);
            assertThat(after.value("band_dropped_total", Map.of("reason", "overloaded")))
                    .isEqualTo(1.0);
            assertThat(after.value(
                            "band_client_calls_seconds_count",
                            Map.of("target", "metrics-svc", "method", "ok", "outcome", "ok")))
                    .isEqualTo(1.0);
            assertThat(after.value(
                            "band_client_calls_seconds_count",
                            Map.of("target", "nobody", "method", "lookup", "outcome", "unavailable")))
                    .isEqualTo(1.0);
            Map<String, String> yearly = Map.of("kind", "task", "job", "yearly");
            assertThat(after.value("band_job_runs_seconds_count", with(yearly, "outcome", "ok")))
                    .isEqualTo(1.0);
            assertThat(after.value("band_job_runs_seconds_count", with(yearly, "outcome", "error")))
                    .isEqualTo(1.0);
            assertThat(after.value("band_job_last_success_seconds", yearly)).isGreaterThan(1.7e9);
            assertThat(after.value("band_transport_connected", Map.of("transport", "memory")))
                    .isEqualTo(1.0);
            assertThat(after.samples()).anyMatch(s -> s.name().equals("jvm_memory_used_bytes"));
            assertThat(after.samples()).anyMatch(s -> s.name().equals("process_cpu_usage"));

            // garbage on the service's channel is dropped and counted, on its own thread: poll
            caller.publish("metrics-svc", "{not json");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> scrape(band)
                                    .find("band_dropped_total", Map.of("reason", "not-json"))
                                    .map(PrometheusScrape.Sample::value)
                                    .orElse(0.0)
                            == 1.0);
        }
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        Map<String, String> more = new java.util.HashMap<>(labels);
        more.put(key, value);
        return more;
    }

    @Test
    void withPrometheusOffTheMetricsPathIsNotFoundAndNoWildcardAnswersIt() throws Exception {
        try (RunningService band = start(new Service(), "", Map.of())) {
            HttpResponse<String> metrics = get(band, "/__metrics");
            assertThat(metrics.statusCode()).isEqualTo(404);
            assertThat(metrics.body()).isEqualTo("{\"message\":\"Not found: GET /__metrics\"}");
            assertThat(get(band, "/other").body()).isEqualTo("{\"name\":\"other\"}");
        }
    }

    @Test
    void statsdLinesArriveOnAUdpSocketInTheDatadogFlavour() throws Exception {
        try (DatagramSocket statsd = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            // read from before the service starts, so no line waits in (or overflows) the socket's buffer
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = Thread.ofVirtual().start(() -> receive(statsd, lines));
            try (RunningService band = start(
                    new Service(),
                    "",
                    Map.of("statsd", Map.of("host", "127.0.0.1", "port", statsd.getLocalPort(), "interval_ms", 100)))) {
                assertThat(get(band, "/ok").statusCode()).isEqualTo(200);
                assertThat(get(band, "/__metrics").statusCode()).isEqualTo(404); // StatsD only
                List<String> seen = new ArrayList<>();
                String timing = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (timing == null && System.nanoTime() < deadline) {
                    String line = lines.poll(100, TimeUnit.MILLISECONDS);
                    if (line != null) {
                        seen.add(line);
                        timing = line.startsWith("band.calls:") ? line : null;
                    }
                }
                assertThat(timing).as("a band.calls line among %s", seen).isNotNull();
                Matcher m =
                        Pattern.compile("band\\.calls:([0-9.]+)\\|ms\\|#(.*)").matcher(timing);
                assertThat(m.matches()).as(timing).isTrue();
                assertThat(Double.parseDouble(m.group(1))).isPositive();
                assertThat(Set.of(m.group(2).split(",")))
                        .isEqualTo(Set.of(
                                "env:development",
                                "method:ok",
                                "outcome:ok",
                                "role:handler",
                                "service:metrics-svc",
                                "transport:http"));
                assertThat(seen)
                        .allSatisfy(line -> assertThat(line).matches("[a-z0-9_.]+:-?[0-9.eE+-]+\\|(c|g|ms)\\|#.+"));
            } finally {
                reader.interrupt();
            }
        }
    }

    private static void receive(DatagramSocket socket, LinkedBlockingQueue<String> lines) {
        byte[] buffer = new byte[65_536];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (java.io.IOException e) {
                return; // closed
            }
            for (String line :
                    new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8).split("\n")) {
                lines.add(line);
            }
        }
    }

    @Test
    void aStatsdFlavourThatDoesNotExistIsAStartUpProblem() {
        assertThatThrownBy(() -> start(new Service(), "", Map.of("statsd", Map.of("host", "x", "flavor", "graphite"))))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(
                        e -> assertThat(((ConfigurationException) e).problems())
                                .containsExactly(
                                        "Setting 'metrics.statsd.flavor' = \"graphite\" is not a StatsD flavour in config.yaml:"
                                                + " give one of datadog, etsy, telegraf, sysdig, e.g. 'flavor: datadog' under 'metrics.statsd'"));
    }
}
