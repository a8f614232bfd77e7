package org.rockstat.band.examples.uaparser;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a User-Agent string into the Python uaparser service's answer
 * (rockstat/band-services-set {@code uaparser/uaparser/main.py}), field for field and in its
 * order, because downstream storage is keyed on that list, with the device class as the platform
 * contract (PROTOCOL §7) states it: one {@code is_mob} flag for phones and tablets alike and no
 * tablet field of its own.
 *
 * <pre>{@code
 * new UaParser().parse("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) ... Mobile/15E148 Safari/604.1");
 * // {os_family=iOS, os_version=[16, 6], browser_family=Mobile Safari, browser_version=[16, 6],
 * //  device_family=iPad, device_brand=Apple, device_model=iPad,
 * //  is_bot=0, is_mob=1, is_pc=0}
 * }</pre>
 *
 * <p>Names and values are the Python service's (flags are the ints 0/1, a version part that is not
 * all digits is 0), except for one documented difference: since its commit da85a68 the Python
 * service sends {@code is_mob = is_mobile} and a separate {@code is_tables} (sic), which no
 * storage column reads; Band answers {@code is_mob = is_mobile or is_tablet} and leaves the
 * misspelt field out, as PROTOCOL §7 has it. Thread-safe.
 */
public final class UaParser {
    private final UapRegexes regexes;

    /** A parser over the uap-core rules bundled in the uap-java jar (loading them takes ~0.5 s). */
    public UaParser() {
        this(UapRegexes.bundled());
    }

    UaParser(UapRegexes regexes) {
        this.regexes = regexes;
    }

    /**
     * The Python service's answer for {@code ua}.
     *
     * @throws RuntimeException where the Python service raises (and answers an error instead): a
     *     rule without the group it names, or a version such as {@code "²"} that Python's
     *     {@code isdigit()} accepts and {@code int()} rejects
     */
    public Map<String, Object> parse(String ua) {
        return answer(classify(ua));
    }

    /** python-user-agents' view of {@code ua}, for the device-class rules the answer does not carry. */
    PythonUserAgent classify(String ua) {
        return PythonUserAgent.of(ua, regexes.parse(ua));
    }

    private static Map<String, Object> answer(PythonUserAgent parsed) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("os_family", parsed.osFamily());
        result.put("os_version", ints(parsed.osVersion()));
        result.put("browser_family", parsed.browserFamily());
        result.put("browser_version", ints(parsed.browserVersion()));
        result.put("device_family", parsed.deviceFamily());
        result.put("device_brand", parsed.deviceBrand());
        result.put("device_model", parsed.deviceModel());
        result.put("is_bot", flag(parsed.isBot()));
        result.put("is_mob", flag(parsed.isMobile() || parsed.isTablet()));
        result.put("is_pc", flag(parsed.isPc()));
        return result;
    }

    /** {@code [v if isinstance(v, int) else 0 for v in version]}. */
    private static List<Number> ints(List<Object> version) {
        List<Number> out = new ArrayList<>(version.size());
        for (Object part : version) {
            out.add(part instanceof Number number ? number : 0);
        }
        return out;
    }

    private static int flag(boolean value) {
        return value ? 1 : 0;
    }
}
