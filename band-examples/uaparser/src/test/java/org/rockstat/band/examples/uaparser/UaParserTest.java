package org.rockstat.band.examples.uaparser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How ua-parser (Python) applies a rule, where uap-java would answer otherwise. The rules are
 * this test's own ({@code quirks-regexes.yaml}); every expected value below was printed by
 * {@code ua_parser.user_agent_parser.Parse} (ua-parser 0.18.0) and the Python service's
 * {@code enrich} (user-agents 2.2.0) run with {@code UA_PARSER_YAML} set to that file.
 */
class UaParserTest {
    private static final UaParser quirks = new UaParser(quirkRules());

    @Test
    void anEmptyFamilyGoesOnToTheNextRule() {
        assertThat(browser("Fam/1")).isEqualTo(row("Fam", List.of(1)));
        assertThat(browser("EmptyFam/2")).isEqualTo(row("Empty", List.of(2)));
    }

    @Test
    void versionGroupsCountUpToTheGroupThatClosedLast() {
        // group 5 sits in group 4 and group 6 closes last, so the patch is group 4, ".3", hence 0
        assertThat(browser("Nest/1.2.3")).isEqualTo(row("Nest", List.of(1, 2, 0)));
        assertThat(browser("Nest/1.2")).isEqualTo(row("Nest", List.of(1, 2)));
        // the outer group closes last: lastindex is 1 and the nested version is never read
        assertThat(browser("Wrap/5")).isEqualTo(row("Wrap/5", List.of()));
    }

    @Test
    void aMinorReplacementStillReadsThePatch() {
        assertThat(browser("Two/1.2.3")).isEqualTo(row("Two", List.of(1, 7, 3)));
    }

    @Test
    void aFamilyReplacementTakesOnlyDollarOne() {
        assertThat(browser("Sub/5")).isEqualTo(row("Sub Sub $2", List.of(5)));
    }

    @Test
    void osVersionsAndReplacements() {
        Map<String, Object> empty = quirks.parse("Os 4.");
        assertThat(empty.get("os_family")).isEqualTo("Os");
        assertThat(empty.get("os_version")).isEqualTo(List.of(4, 0));

        Map<String, Object> xp = quirks.parse("Win XP");
        assertThat(xp.get("os_family")).isEqualTo("Windows  XP");
        assertThat(xp.get("os_version")).isEqualTo(List.of(0));
        assertThat(quirks.parse("Win Pro 10").get("os_family")).isEqualTo("Windows  Pro 10");
        assertThat(quirks.parse("Win Pro 10").get("os_version")).isEqualTo(List.of(10));
    }

    @Test
    void deviceBrandAndModelFromTheReplacements() {
        assertThat(device("x; Dev;")).isEqualTo(Arrays.asList("Dev", "Brand", null));
        assertThat(device("x; Dev-9;")).isEqualTo(List.of("Dev 9", "Brand", "9"));
        assertThat(device("LOWERCASE")).isEqualTo(List.of("CASE", "Lower", "CASE"));
    }

    @Test
    void aNonNumericVersionIsZeroAndADigitSignFailsAsInPython() {
        assertThat(browser("Sup/2b")).isEqualTo(row("Sup", List.of(0)));
        // "²".isdigit() is true and int("²") raises: the Python service answers an error
        assertThatThrownBy(() -> quirks.parse("Sup/\u00b2")).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void theEmptyUserAgentIsOtherEverywhere() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("os_family", "Other");
        expected.put("os_version", List.of());
        expected.put("browser_family", "Other");
        expected.put("browser_version", List.of());
        expected.put("device_family", "Other");
        expected.put("device_brand", null);
        expected.put("device_model", null);
        expected.put("is_bot", 0);
        expected.put("is_mob", 0);
        expected.put("is_pc", 0);
        assertThat(quirks.parse("")).containsExactlyEntriesOf(expected);
    }

    @Test
    void pythonsWordClassOnTheBundledRules() {
        // Python's \w takes "²" (Java's Unicode \w does not): the bot's name keeps it, and so does the version rule
        Map<String, Object> r =
                new UaParser().parse("Mozilla/5.0 (compatible; YandexB\u00b2ot/3.0; +http://yandex.com/bots)");
        assertThat(r.get("browser_family")).isEqualTo("YandexB\u00b2ot");
        assertThat(r.get("browser_version")).isEqualTo(List.of(3, 0));
    }

    private static List<Object> row(String family, List<Integer> version) {
        return List.of(family, version);
    }

    private static List<Object> browser(String ua) {
        Map<String, Object> r = quirks.parse(ua);
        return List.of(r.get("browser_family"), r.get("browser_version"));
    }

    private static List<Object> device(String ua) {
        Map<String, Object> r = quirks.parse(ua);
        List<Object> out = new ArrayList<>();
        out.add(r.get("device_family"));
        out.add(r.get("device_brand"));
        out.add(r.get("device_model"));
        return out;
    }

    private static UapRegexes quirkRules() {
        try (InputStream in = UaParserTest.class.getResourceAsStream("/quirks-regexes.yaml")) {
            return UapRegexes.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
