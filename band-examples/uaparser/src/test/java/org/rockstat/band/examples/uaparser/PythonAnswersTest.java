package org.rockstat.band.examples.uaparser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rockstat.band.testkit.BandServiceExtension;

/**
 * The service against the Python uaparser, answer for answer, on 68 real User-Agents: iPhones,
 * iPads, Android phones and tablets of several brands, app webviews (Facebook, Instagram, VK),
 * desktop browsers on Windows, macOS, Linux and Chrome OS, old IE and Firefox, Opera Mini,
 * BlackBerry, Symbian, KaiOS, smart TVs, consoles, Chromecast, bots, command-line clients and the
 * empty string.
 *
 * <p>The expected answers in {@code python-uaparser-answers.json} were produced by the Python
 * implementation, not by this code: CPython 3.11.7 ran the Python service's own
 * {@code uaparser/uaparser/main.py} (rockstat/band-services-set at fbe6152; only the band
 * framework was stubbed, and one trailing comma CPython 3.7+ rejects was removed) on
 * {@code user-agents} 2.2.0 and {@code ua-parser} 0.18.0, with {@code UA_PARSER_YAML} pointing at
 * the {@code regexes.yaml} inside the uap-java 1.6.1 jar: uap-core 0.18.0, the same rules
 * ua-parser 0.18.0 bundles. The file's {@code produced_by} says the same. To extend the table,
 * run the new User-Agents through that Python setup and add its output; never copy this code's.
 *
 * <p>One difference is deliberate (PROTOCOL §7): the Python service answers {@code is_mob} for
 * phones only and a separate {@code is_tables} (sic); Band answers {@code is_mob} for phones and
 * tablets and no tablet field. {@link #expected} folds the Python row that way, nothing else.
 */
class PythonAnswersTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNode TABLE = table();

    @RegisterExtension
    static final BandServiceExtension band =
            BandServiceExtension.of(UaParserService::new).config(Path.of(""));

    private static final UaParser parser = new UaParser();

    static Stream<Arguments> rows() {
        List<Arguments> rows = new ArrayList<>();
        for (JsonNode row : TABLE.path("rows")) {
            String ua = row.path("ua").asText();
            String label = ua.isEmpty() ? "(empty)" : ua.length() > 70 ? ua.substring(0, 70) + "..." : ua;
            rows.add(Arguments.of(
                    label,
                    ua,
                    expected(row.path("enrich")),
                    row.path("is_touch_capable").asInt()));
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void frontGetsThePythonAnswer(String label, String ua, JsonNode expected, int touch) throws IOException {
        Object answer = band.front().enrich(Map.of("ua", ua));

        JsonNode actual = MAPPER.readTree(MAPPER.writeValueAsString(answer));
        assertThat(actual).isEqualTo(expected);
        // same names in the same order, so a stored row is laid out the same
        assertThat(names(actual)).containsExactlyElementsOf(names(expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void touchCapableAsUserAgentsSays(String label, String ua, JsonNode expected, int touch) {
        assertThat(parser.classify(ua).isTouchCapable()).isEqualTo(touch == 1);
    }

    /** The Python answer with its tablet flag folded into {@code is_mob}, in the same field order. */
    static JsonNode expected(JsonNode python) {
        com.fasterxml.jackson.databind.node.ObjectNode out = MAPPER.createObjectNode();
        python.properties().forEach(e -> {
            if (e.getKey().equals("is_mob")) {
                out.put(
                        "is_mob",
                        e.getValue().asInt() | python.path("is_tables").asInt());
            } else if (!e.getKey().equals("is_tables")) {
                out.set(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    @Test
    void theTableHoldsEveryKindOfDevice() {
        List<JsonNode> answers = new ArrayList<>();
        TABLE.path("rows").forEach(row -> answers.add(row.path("enrich")));
        assertThat(answers).hasSizeGreaterThanOrEqualTo(30);
        for (String flag : List.of("is_bot", "is_tables", "is_mob", "is_pc")) {
            assertThat(answers).as(flag + " = 1").anyMatch(a -> a.path(flag).asInt() == 1);
        }
        assertThat(answers)
                .as("a tablet Python does not count as mob, which Band does")
                .anyMatch(a -> a.path("is_tables").asInt() == 1
                        && a.path("is_mob").asInt() == 0
                        && expected(a).path("is_mob").asInt() == 1);
        assertThat(answers).as("a brand").anyMatch(a -> a.path("device_brand").isTextual());
        assertThat(answers).as("no brand").anyMatch(a -> a.path("device_brand").isNull());
        assertThat(TABLE.path("rows"))
                .as("a version part that is not a number, answered as 0")
                .anyMatch(row -> row.path("ua").asText().contains("Windows NT 5.1")
                        && row.path("enrich")
                                .path("os_version")
                                .equals(MAPPER.createArrayNode().add(0)));
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode table() {
        try (InputStream in = PythonAnswersTest.class.getResourceAsStream("/python-uaparser-answers.json")) {
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
