package org.rockstat.band.examples.uaparser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Real User-Agent strings, as the Python uaparser service classifies them. */
class UaParserTest {
    private final UaParser parser = new UaParser();

    private Map<String, Object> flags(String ua) {
        Map<String, Object> all = parser.parse(ua);
        return Map.of("is_bot", all.get("is_bot"), "is_mob", all.get("is_mob"),
                "is_tablet", all.get("is_tablet"), "is_pc", all.get("is_pc"));
    }

    private static Map<String, Object> expect(int bot, int mob, int tablet, int pc) {
        return Map.of("is_bot", bot, "is_mob", mob, "is_tablet", tablet, "is_pc", pc);
    }

    @Test
    void chromeOnWindows() {
        String ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36";
        Map<String, Object> r = parser.parse(ua);
        assertThat(r.get("os_family")).isEqualTo("Windows");
        assertThat(r.get("browser_family")).isEqualTo("Chrome");
        assertThat(r.get("browser_version")).isEqualTo(List.of(120, 0, 6099));
        assertThat(r.get("device_family")).isEqualTo("Other");
        assertThat(flags(ua)).isEqualTo(expect(0, 0, 0, 1));
    }

    @Test
    void safariOnIphone() {
        String ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
        Map<String, Object> r = parser.parse(ua);
        assertThat(r.get("os_family")).isEqualTo("iOS");
        assertThat(r.get("os_version")).isEqualTo(List.of(17, 1));
        assertThat(r.get("device_family")).isEqualTo("iPhone");
        assertThat(flags(ua)).isEqualTo(expect(0, 1, 0, 0));
    }

    @Test
    void ipadIsATablet() {
        String ua = "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1";
        assertThat(flags(ua)).isEqualTo(expect(0, 0, 1, 0));
    }

    @Test
    void androidPhoneAndTablet() {
        String phone = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36";
        String tablet = "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36";
        assertThat(parser.parse(phone).get("os_family")).isEqualTo("Android");
        assertThat(flags(phone)).isEqualTo(expect(0, 1, 0, 0));
        assertThat(flags(tablet)).isEqualTo(expect(0, 0, 1, 0));
    }

    @Test
    void googlebotIsABot() {
        String ua = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
        assertThat(parser.parse(ua).get("device_family")).isEqualTo("Spider");
        assertThat(flags(ua)).isEqualTo(expect(1, 0, 0, 0));
    }

    @Test
    void curlIsNothingInParticular() {
        Map<String, Object> r = parser.parse("curl/8.4.0");
        assertThat(r.get("browser_family")).isEqualTo("curl");
        assertThat(r.get("browser_version")).isEqualTo(List.of(8, 4, 0));
        assertThat(flags("curl/8.4.0")).isEqualTo(expect(0, 0, 0, 0));
    }
}
