package org.rockstat.band.examples.uaparser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.call.Response;
import org.rockstat.band.testkit.BandServiceExtension;

/**
 * Where the Python service's parse raises, its {@code enrich} logs and answers
 * {@code response.error()} ("Unknown error", 500) instead of dying; so does this one. No
 * User-Agent makes uap-core 0.18.0's rules raise (30 000 tried), so this test's own rules do:
 * {@code (Sup)/(\w+)} on {@code Sup/²}, where Python's {@code isdigit()} says yes and {@code int()}
 * raises.
 */
class ErrorAnswerTest {
    @RegisterExtension
    static final BandServiceExtension band = BandServiceExtension.of(
                    settings -> new UaParserService(settings, new UaParser(quirkRules())))
            .config(Path.of(""));

    @Test
    void answersAnErrorAndKeepsServing() {
        Object answer = band.front().enrich(Map.of("ua", "Sup/\u00b2"));
        assertThat(answer).isEqualTo(Response.error("Unknown error", 500));

        Object next = band.front().enrich(Map.of("ua", "Sup/2"));
        assertThat(asMap(next)).containsEntry("browser_family", "Sup");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object answer) {
        return (Map<String, Object>) answer;
    }

    private static UapRegexes quirkRules() {
        try (InputStream in = ErrorAnswerTest.class.getResourceAsStream("/quirks-regexes.yaml")) {
            return UapRegexes.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
