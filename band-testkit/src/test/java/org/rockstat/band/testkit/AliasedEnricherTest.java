package org.rockstat.band.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.annotation.Enricher;
import org.rockstat.band.fixtures.FrontEnrichers;
import org.rockstat.band.fixtures.WirePeer;

/**
 * An enricher registered with an alias, against front's enricher step played as front's code does
 * it ({@link FrontEnrichers}) on a real redis-server: front files the enricher under the alias and
 * waits for an answer whose {@code from} is the alias, so Band answers {@code enrich} from it.
 */
class AliasedEnricherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Object> EVENT = Map.of(
            "key", "in.gen.track.click",
            "td", Map.of("ip", "5.1.2.3", "ua", "Mozilla/5.0"),
            "data", Map.of("q", "1"));

    public static final class GeoService {
        final ConcurrentLinkedQueue<Map<String, Object>> asked = new ConcurrentLinkedQueue<>();

        @Enricher(keys = "in.gen.track", props = "ip=td.ip", alias = "geo")
        public Map<String, Object> locate(Map<String, Object> params) {
            asked.add(params);
            return Map.of("country", String.valueOf(params.get("ip")).startsWith("5.") ? "RU" : "--");
        }
    }

    private static final GeoService service = new GeoService();
    private static final Duration PATIENT = Duration.ofSeconds(10);

    @RegisterExtension
    static final BandServiceExtension band =
            BandServiceExtension.of(service).setting("name", "mmgeo").redis();

    private static JsonNode register() {
        return JSON.valueToTree(band.director().register());
    }

    @Test
    void frontWaitsForTheAliasAndTakesItsAnswerWithoutWaitingItsFullTime() {
        try (WirePeer peer = WirePeer.front(band.dsn())) {
            // front's logic with a longer wait than its 200 ms: a wait that ends before its
            // limit shows the answer was taken on arrival, on a machine of any speed
            FrontEnrichers front = new FrontEnrichers(peer, PATIENT);
            front.push("mmgeo", register());
            assertThat(front.expected("in.gen.track.click")).containsExactly("geo");
            assertThat(front.expected("in.gen.pixel")).isEmpty();

            FrontEnrichers.Outcome outcome = front.enrich(EVENT);

            assertThat(outcome.results()).containsOnlyKeys("geo");
            assertThat(outcome.results().get("geo").toString()).isEqualTo("{\"country\":\"RU\"}");
            assertThat(outcome.unanswered()).isEmpty();
            assertThat(outcome.waitedFull()).isFalse();
            assertThat(outcome.took()).isLessThan(PATIENT);
            if (Boolean.getBoolean("band.figures")) {
                System.out.println("figure: front's enricher wait for the alias ended after "
                        + outcome.took().toNanos() / 1000 + " us (its limit: 200 ms)");
            }
            // on the wire: one answer, from the alias, to front; the service got only its props
            assertThat(peer.responses(outcome.id())).singleElement().satisfies(answer -> {
                assertThat(answer.path("from").asText()).isEqualTo("geo");
                assertThat(answer.path("to").asText()).isEqualTo("front");
            });
            assertThat(service.asked).contains(Map.of("ip", "5.1.2.3"));
        }
    }

    @Test
    void anAnswerFromTheServiceNameInsteadOfTheAliasIsNeverTakenAndFrontWaitsItsFullTime() throws InterruptedException {
        // what the Python band does (it always answers from its own name): a raw enricher
        // registered as alias "geo-py" of service "pygeo" that answers from "pygeo"
        try (WirePeer peer = WirePeer.front(band.dsn());
                WirePeer python = new WirePeer(band.dsn(), "pygeo", "enrich")) {
            // waits its whole length here, so a short one: long enough for mmgeo's answer
            FrontEnrichers front = new FrontEnrichers(peer, Duration.ofSeconds(2));
            front.push("mmgeo", register());
            front.push(
                    "pygeo",
                    JSON.valueToTree(List.of(Map.of(
                            "method",
                            "enrich",
                            "role",
                            "enricher",
                            "options",
                            Map.of("keys", List.of("in.gen.track"), "alias", "geo-py")))));
            assertThat(front.expected("in.gen.track.click")).containsExactly("geo", "geo-py");
            Thread answering = Thread.ofVirtual().start(() -> answerFromOwnName(python));
            FrontEnrichers.Outcome outcome = front.enrich(EVENT);
            answering.join(Duration.ofSeconds(5));

            assertThat(outcome.results()).containsOnlyKeys("geo");
            assertThat(outcome.unanswered()).containsExactly("geo-py");
            assertThat(outcome.waitedFull()).isTrue();
            if (Boolean.getBoolean("band.figures")) {
                System.out.println("figure: with an enricher answering from its service name instead, the wait took "
                        + outcome.took().toMillis() + " ms");
            }
            // the answer from "pygeo" did reach front (usually well inside the wait): it is just never taken
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> peer.responses(outcome.id()).stream()
                            .anyMatch(answer -> answer.path("from").asText().equals("pygeo")));
        }
    }

    /** Answers the first enrich request it hears, from its own name, as the Python band does. */
    private static void answerFromOwnName(WirePeer python) {
        JsonNode request = await().pollInterval(Duration.ofMillis(1))
                .atMost(Duration.ofSeconds(5))
                .until(
                        () -> python.received().stream()
                                .map(WirePeer.Received::json)
                                .filter(json -> json != null && json.has("id"))
                                .findFirst()
                                .orElse(null),
                        found -> found != null);
        python.publish(
                request.path("from").asText(),
                "{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":{\"py\":1},"
                        + "\"from\":\"pygeo\",\"to\":\"front\"}");
    }

    @Test
    void theTestkitsFrontTellsTheEnricherApartByItsAliasToo() {
        assertThat(band.front().enrich(Map.of("ip", "5.6.7.8"))).isEqualTo(Map.of("country", "RU"));
    }

    @Test
    void otherAnswersOfTheServiceStillComeFromItsName() {
        try (WirePeer peer = WirePeer.front(band.dsn())) {
            assertThat(peer.status("mmgeo", Duration.ofSeconds(5)).path("from").asText())
                    .isEqualTo("mmgeo");
        }
    }
}
