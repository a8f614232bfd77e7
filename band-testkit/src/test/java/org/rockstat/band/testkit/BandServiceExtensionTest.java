package org.rockstat.band.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.annotation.Enricher;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Listener;
import org.rockstat.band.call.Event;
import org.rockstat.band.call.Response;

/** The testkit against a small service, on the embedded bus and on a real redis-server. */
class BandServiceExtensionTest {

    public static final class Demo {
        final List<String> heard = new CopyOnWriteArrayList<>();

        @Handler
        public Map<String, Object> hello(Event event) {
            return Map.of("key", event.key(), "ua", event.td("ua"), "q", event.data("q"));
        }

        @Handler(name = "*", alias = "any")
        public Response anything(String name) {
            return Response.data(Map.of("name", name));
        }

        @Enricher(keys = "in.gen.track", props = "ip=td.ip")
        public Map<String, Object> enrich(String ip) {
            return Map.of("local", ip.startsWith("127."));
        }

        @Listener
        public void store(Event event) {
            heard.add(event.key());
        }
    }

    abstract static class Suite {
        abstract BandServiceExtension band();

        abstract Demo demo();

        @Test
        void frontCallsHandlersWithFullEventsRoutedByTheRegister() {
            Object result = band().front()
                    .event("demo", "hello")
                    .ua("Mozilla/5.0")
                    .ip("1.2.3.4")
                    .data("q", 7)
                    .call();
            assertThat(result).isEqualTo(Map.of("key", "in.gen.demo.hello", "ua", "Mozilla/5.0", "q", "7"));
            assertThat(band().front().event("any", "whatever").call()).isEqualTo(Map.of("name", "whatever"));
            assertThatThrownBy(() -> band().front().event("demo", "nope").call())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("Front would not route in.gen.demo.nope to service 'demo'");
        }

        @Test
        void enrichAndBroadcastGoOverTheTransport() {
            assertThat(band().front().enrich(Map.of("ip", "127.0.0.1"))).isEqualTo(Map.of("local", true));
            band().front().broadcast(band().front().event("track", "click"));
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> demo().heard.contains("in.gen.track.click"));
        }

        @Test
        void directorSeesRegisterStatusAndHeartbeats() {
            assertThat(band().director().registerJson())
                    .isEqualTo("["
                            + "{\"method\":\"*\",\"role\":\"handler\",\"options\":{\"alias\":\"any\"}},"
                            + "{\"method\":\"enrich\",\"role\":\"enricher\",\"options\":{\"keys\":[\"in.gen.track\"],\"props\":{\"ip\":\"td.ip\"}}},"
                            + "{\"method\":\"hello\",\"role\":\"handler\",\"options\":{}},"
                            + "{\"method\":\"broadcast\",\"role\":\"listener\",\"options\":{}}]");
            assertThat(band().director().status().get("name")).isEqualTo("demo");
            assertThat(band().director().awaitHeartbeats(2, Duration.ofSeconds(10)))
                    .hasSizeGreaterThanOrEqualTo(2);
        }

        @Test
        void httpIsBoundToTheServicePort() {
            assertThat(band().http().get("/whatever").body()).isEqualTo("{\"name\":\"whatever\"}");
            assertThat(band().http()
                            .get("/__status")
                            .bodyJson()
                            .path("data")
                            .path("name")
                            .asText())
                    .isEqualTo("demo");
        }

        @Test
        void healthIsServedByBandNotByTheWildcard() {
            assertThat(band().http().get("/__health/ready").body())
                    .isEqualTo("{\"status\":\"ready\",\"checks\":{\"http\":\"up\",\"transport\":\"up\","
                            + "\"replicas\":\"up\",\"draining\":false}}");
            assertThat(band().http().get("/__health/live").status()).isEqualTo(200);
            assertThat(band().http().get("/__metrics").status()).isEqualTo(404);
        }
    }

    @Nested
    class Embedded extends Suite {
        static final Demo DEMO = new Demo();

        @RegisterExtension
        static final BandServiceExtension BAND = BandServiceExtension.of(DEMO).setting("name", "demo");

        @Override
        BandServiceExtension band() {
            return BAND;
        }

        @Override
        Demo demo() {
            return DEMO;
        }
    }

    @Nested
    class OnRedis extends Suite {
        static final Demo DEMO = new Demo();

        @RegisterExtension
        static final BandServiceExtension BAND =
                BandServiceExtension.of(DEMO).setting("name", "demo").redis();

        @Override
        BandServiceExtension band() {
            return BAND;
        }

        @Override
        Demo demo() {
            return DEMO;
        }

        @Test
        void theServiceReallyUsesRedis() {
            assertThat(BAND.dsn()).startsWith("redis://127.0.0.1:");
        }
    }
}
