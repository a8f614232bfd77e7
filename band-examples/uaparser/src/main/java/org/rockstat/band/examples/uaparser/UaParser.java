package org.rockstat.band.examples.uaparser;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * Parses a User-Agent string into the fields the Python uaparser service returns: families and
 * versions from uap-java (the ua-parser project's regexes), and device-class flags computed with
 * the same rules as Python's {@code user_agents} package. Thread-safe.
 */
public final class UaParser {
    private static final Set<String> MOBILE_DEVICES = Set.of("iPhone", "iPod", "Generic Smartphone",
            "Generic Feature Phone", "PlayStation Vita", "iOS-Device");
    private static final Set<String> TABLET_DEVICES = Set.of("iPad", "BlackBerry Playbook", "Blackberry Playbook",
            "Kindle", "Kindle Fire", "Kindle Fire HD", "Galaxy Tab", "Xoom", "Dell Streak");
    private static final Set<String> MOBILE_OS = Set.of("Windows Phone", "Windows Phone OS", "Symbian OS", "Bada",
            "Windows CE", "Windows Mobile", "Maemo", "Firefox OS", "KaiOS");
    private static final Set<String> MOBILE_BROWSERS = Set.of("IE Mobile", "Opera Mobile", "Opera Mini",
            "Chrome Mobile", "Chrome Mobile WebView", "Chrome Mobile iOS", "Firefox Mobile", "Samsung Internet");
    private static final Set<String> PC_OS = Set.of("Windows", "Windows 95", "Windows 98", "Windows ME", "Windows XP",
            "Windows Vista", "Windows 7", "Windows 8", "Windows 8.1", "Windows 10", "Mac OS X", "macOS", "Linux",
            "Ubuntu", "Fedora", "Debian", "Chrome OS", "Solaris", "FreeBSD", "OpenBSD", "NetBSD");

    private final Parser parser = new Parser();

    /** The parsed fields, in the Python service's shape. */
    public Map<String, Object> parse(String ua) {
        Client client = parser.parse(ua);
        String device = client.device.family;
        String os = client.os.family;
        String browser = client.userAgent.family;
        boolean bot = "Spider".equals(device);
        boolean tablet = !bot && isTablet(ua, device, os);
        boolean mobile = !bot && !tablet && isMobile(ua, device, os, browser);
        boolean pc = !bot && !tablet && !mobile && isPc(ua, os);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("os_family", os);
        result.put("os_version", versions(client.os.major, client.os.minor, client.os.patch));
        result.put("browser_family", browser);
        result.put("browser_version", versions(client.userAgent.major, client.userAgent.minor, client.userAgent.patch));
        result.put("device_family", device);
        // uap-java reads only the device family from the regexes; brand and model stay unknown
        result.put("device_brand", null);
        result.put("device_model", null);
        result.put("is_bot", flag(bot));
        result.put("is_mob", flag(mobile));
        result.put("is_tablet", flag(tablet));
        result.put("is_pc", flag(pc));
        return result;
    }

    private static boolean isTablet(String ua, String device, String os) {
        if (TABLET_DEVICES.contains(device)) {
            return true;
        }
        // Android phones say "Mobile"; Android tablets do not
        return "Android".equals(os) && !ua.contains("Mobile");
    }

    private static boolean isMobile(String ua, String device, String os, String browser) {
        return MOBILE_DEVICES.contains(device) || MOBILE_BROWSERS.contains(browser) || MOBILE_OS.contains(os)
                || "Android".equals(os) || "iOS".equals(os) || ua.contains("J2ME") || ua.contains("MIDP");
    }

    private static boolean isPc(String ua, String os) {
        return PC_OS.contains(os) || ua.contains("Windows NT") || ua.contains("CrOS")
                || ua.contains("X11") && ua.contains("Linux");
    }

    /** Version parts as numbers; missing or non-numeric parts as 0, as the Python service does. */
    private static List<Integer> versions(String... parts) {
        List<Integer> out = new ArrayList<>();
        for (String part : parts) {
            if (part == null) {
                continue;
            }
            try {
                out.add(Integer.parseInt(part));
            } catch (NumberFormatException e) {
                out.add(0);
            }
        }
        return out;
    }

    private static int flag(boolean value) {
        return value ? 1 : 0;
    }
}
