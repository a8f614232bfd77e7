package org.rockstat.band;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rockstat.band.annotation.Cleanup;
import org.rockstat.band.annotation.Enricher;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Task;
import org.rockstat.band.annotation.Worker;
import org.rockstat.band.config.ConfigurationException;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.job.Schedule;
import org.rockstat.band.method.MethodSpec;

/** The launcher end to end: config files, validation, HTTP, workers, tasks and cleanups. */
class BandTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger ticks = new AtomicInteger();
    private volatile Thread taskThread;

    public final class Greeter {
        private final String greeting;

        public Greeter(Settings settings) {
            greeting = settings.get("greeting", String.class);
        }

        @Handler(path = "/hello/:who")
        public Map<String, Object> hello(String who) {
            return Map.of("text", greeting + ", " + who);
        }

        @Enricher(keys = "${key_prefix}", props = "ua=td.ua")
        public Map<String, Object> enrich(String ua) {
            return Map.of("len", ua.length());
        }

        @Worker
        public void work() throws InterruptedException {
            events.add("worker started");
            try {
                Thread.sleep(Duration.ofMinutes(5));
            } finally {
                events.add("worker stopped");
            }
        }

        @Task(every = "20ms")
        public void tick() {
            taskThread = Thread.currentThread();
            ticks.incrementAndGet();
        }

        @Cleanup
        public void cleanup() {
            events.add("cleanup");
        }
    }

    private static JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> response = CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(response.body());
    }

    @Test
    void runsAServiceFromItsConfigFilesOverHttpWithBackgroundWork(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                name: greeter
                env: {{ ENV }}
                listen: "127.0.0.1:{{PORT|default(0)}}"
                greeting: "{{ GREETING|default('Hello') }}"
                key_prefix: in.gen.track
                """);
        Files.writeString(dir.resolve(".env"), "GREETING=Hi\n");
        RunningService band = Band.create(dir, Map.of())
                .service(Greeter::new)
                .method(MethodSpec.exposed("ping"), call -> Map.of("pong", true))
                .start();
        try (band) {
            assertThat(band.settings().env()).isEqualTo("development");
            assertThat(get(band.httpPort(), "/hello/ann").path("text").asText()).isEqualTo("Hi, ann");
            assertThat(get(band.httpPort(), "/ping").path("pong").asBoolean()).isTrue();
            assertThat(get(band.httpPort(), "/enrich?ua=Mozilla").path("len").asInt())
                    .isEqualTo(7);
            JsonNode status = get(band.httpPort(), "/__status").path("data");
            assertThat(status.path("name").asText()).isEqualTo("greeter");
            assertThat(status.path("register").toString())
                    .isEqualTo("["
                            + "{\"method\":\"enrich\",\"role\":\"enricher\",\"options\":{\"keys\":[\"in.gen.track\"],\"props\":{\"ua\":\"td.ua\"}}},"
                            + "{\"method\":\"hello\",\"role\":\"handler\",\"options\":{}}]");
            await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("worker started") && ticks.get() >= 3);
        }
        assertThat(events).containsExactly("worker started", "worker stopped", "cleanup");
        // stop() waited for the task's thread: nothing runs after it
        assertThat(taskThread.isAlive()).isFalse();
    }

    public static final class TwoNamedX {
        @Handler(name = "x")
        public Object a() {
            return 1;
        }

        @Handler(name = "x")
        public Object b() {
            return 2;
        }
    }

    @Test
    void reportsEveryProblemBeforeStartingAnything() {
        Band band = Band.create(Settings.of(Map.of(
                        "name", "bad",
                        "listen", "127.0.0.1:0",
                        "rpc", Map.of("max_in_flight", 0, "max_message_bytes", 10))))
                .service(new TwoNamedX())
                .method(MethodSpec.enricher(List.of(), Map.of()), call -> null);
        assertThatThrownBy(band::start)
                .isInstanceOf(ConfigurationException.class)
                .extracting(e -> ((ConfigurationException) e).problems())
                .isEqualTo(List.of(
                        "Setting 'rpc.max_in_flight' = 0 is out of range in config.yaml:"
                                + " give 1 to 100000, e.g. 'max_in_flight: 200' under 'rpc'",
                        "Setting 'rpc.max_message_bytes' = 10 is out of range in config.yaml:"
                                + " give 64 to 536870912, e.g. 'max_message_bytes: 1048576' under 'rpc'",
                        "Duplicate method name 'x' for method TwoNamedX.b: TwoNamedX.a already uses it;"
                                + " rename one, e.g. @Handler(name = \"x2\")",
                        "Missing keys for enricher 'enrich': give the routing-key prefixes, e.g."
                                + " MethodSpec.enricher(List.of(\"in.gen.track\"), props)"));
    }

    @Test
    void aFailingFactoryIsAConfigurationProblem() {
        assertThatThrownBy(() -> Band.create(Settings.of(Map.of("name", "f"))).service(settings -> {
                    throw new IllegalArgumentException("no database file");
                }))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Service factory failed (IllegalArgumentException:"
                        + " no database file) for service 'f': fix the constructor or the settings it reads");
    }

    @Test
    void plainCodeJobsRunAndStopIsIdempotent() {
        Band builder = Band.create(Settings.of(Map.of("name", "jobs", "listen", "127.0.0.1:0")))
                .method(MethodSpec.exposed("noop"), call -> null)
                .task("tick", Schedule.every("10ms"), ticks::incrementAndGet)
                .cleanup("bye", () -> events.add("bye"));
        RunningService band = builder.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> ticks.get() >= 2);
        band.stop();
        band.stop();
        assertThat(events).containsExactly("bye");
        assertThatThrownBy(() -> builder.service(new Object()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("this builder already started a service: register everything before start()");
    }
}
