package org.rockstat.band.examples.uaparser;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the Python {@code user_agents} package (2.2.0, the release the Python uaparser installs)
 * makes of ua-parser's result: versions as tuples of ints and strings, and its device classes
 * ({@code is_mobile}, {@code is_tablet}, {@code is_touch_capable}, {@code is_pc}, {@code is_bot})
 * with its own rules, kept here rule for rule and in the same order, since the order decides.
 *
 * <pre>{@code
 * PythonUserAgent ua = PythonUserAgent.of(text, UapRegexes.bundled().parse(text));
 * ua.isTablet();     // true for an iPad
 * ua.osVersion();    // [16, 6]; a part that is not all digits stays a string, e.g. ["XP"]
 * }</pre>
 *
 * @param ua the User-Agent string
 * @param osFamily ua-parser's OS family
 * @param osVersion major, minor, patch (not patch_minor): {@code Integer}/{@code Long}/{@code BigInteger} or {@code String}
 * @param browserFamily ua-parser's browser family
 * @param browserVersion major, minor, patch
 * @param deviceFamily ua-parser's device family
 * @param deviceBrand the brand, or {@code null}
 * @param deviceModel the model, or {@code null}
 */
record PythonUserAgent(
        String ua,
        String osFamily,
        List<Object> osVersion,
        String browserFamily,
        List<Object> browserVersion,
        String deviceFamily,
        String deviceBrand,
        String deviceModel) {
    private static final Set<String> MOBILE_DEVICE_FAMILIES =
            Set.of("iPhone", "iPod", "Generic Smartphone", "Generic Feature Phone", "PlayStation Vita", "iOS-Device");
    private static final Set<String> PC_OS_FAMILIES = Set.of("Windows 95", "Windows 98", "Solaris");
    private static final Set<String> MOBILE_OS_FAMILIES =
            Set.of("Windows Phone", "Windows Phone OS", "Symbian OS", "Bada", "Windows CE", "Windows Mobile", "Maemo");
    private static final Set<String> MOBILE_BROWSER_FAMILIES = Set.of(
            "IE Mobile", "Opera Mobile", "Opera Mini", "Chrome Mobile", "Chrome Mobile WebView", "Chrome Mobile iOS");
    private static final Set<String> TABLET_DEVICE_FAMILIES = Set.of(
            "iPad",
            "BlackBerry Playbook",
            "Blackberry Playbook",
            "Kindle",
            "Kindle Fire",
            "Kindle Fire HD",
            "Galaxy Tab",
            "Xoom",
            "Dell Streak");
    private static final Set<String> TOUCH_CAPABLE_OS_FAMILIES =
            Set.of("iOS", "Android", "Windows Phone", "Windows CE", "Windows Mobile", "Firefox OS", "MeeGo");
    private static final Set<String> TOUCH_CAPABLE_DEVICE_FAMILIES =
            Set.of("BlackBerry Playbook", "Blackberry Playbook", "Kindle Fire");

    PythonUserAgent {
        osVersion = Collections.unmodifiableList(new ArrayList<>(osVersion));
        browserVersion = Collections.unmodifiableList(new ArrayList<>(browserVersion));
    }

    /** {@code user_agents.parse(ua)} over ua-parser's result. */
    static PythonUserAgent of(String ua, UapRegexes.Result parsed) {
        UapRegexes.Os os = parsed.os();
        UapRegexes.Browser browser = parsed.browser();
        UapRegexes.Device device = parsed.device();
        return new PythonUserAgent(
                ua,
                os.family(),
                version(os.major(), os.minor(), os.patch()),
                browser.family(),
                version(browser.major(), browser.minor(), browser.patch()),
                device.family(),
                device.brand(),
                device.model());
    }

    /** {@code parse_version}: digit-only parts become ints, others stay as they are, missing ones go. */
    private static List<Object> version(String... parts) {
        List<Object> out = new ArrayList<>(parts.length);
        for (String part : parts) {
            if (part != null) {
                out.add(PythonText.isDigit(part) ? PythonText.toInt(part) : part);
            }
        }
        return out;
    }

    /** {@code os.version_string}: the parts joined with dots. */
    String osVersionString() {
        return osVersion.stream().map(String::valueOf).collect(Collectors.joining("."));
    }

    boolean isTablet() {
        if (TABLET_DEVICE_FAMILIES.contains(deviceFamily)) {
            return true;
        }
        if (osFamily.equals("Android") && isAndroidTablet()) {
            return true;
        }
        if (osFamily.equals("Windows") && osVersionString().startsWith("RT")) {
            return true;
        }
        return osFamily.equals("Firefox OS") && !browserFamily.contains("Mobile");
    }

    // newer Android tablets leave "Mobile" out; older ones such as the Galaxy Tab still say it
    private boolean isAndroidTablet() {
        return !ua.contains("Mobile Safari") && !browserFamily.equals("Firefox Mobile");
    }

    boolean isMobile() {
        if (MOBILE_DEVICE_FAMILIES.contains(deviceFamily)) {
            return true;
        }
        if (MOBILE_BROWSER_FAMILIES.contains(browserFamily)) {
            return true;
        }
        if ((osFamily.equals("Android") || osFamily.equals("Firefox OS")) && !isTablet()) {
            return true;
        }
        if (osFamily.equals("BlackBerry OS") && !deviceFamily.equals("Blackberry Playbook")) {
            return true;
        }
        if (MOBILE_OS_FAMILIES.contains(osFamily)) {
            return true;
        }
        if (ua.contains("J2ME") || ua.contains("MIDP")) {
            return true;
        }
        // Google's mobile spider
        if (ua.contains("iPhone;") || ua.contains("Googlebot-Mobile")) {
            return true;
        }
        if (deviceFamily.equals("Spider") && browserFamily.contains("Mobile")) {
            return true;
        }
        return ua.contains("NokiaBrowser") && ua.contains("Mobile");
    }

    boolean isTouchCapable() {
        if (TOUCH_CAPABLE_OS_FAMILIES.contains(osFamily) || TOUCH_CAPABLE_DEVICE_FAMILIES.contains(deviceFamily)) {
            return true;
        }
        if (osFamily.equals("Windows")) {
            String version = osVersionString();
            if (version.startsWith("RT") || version.startsWith("CE")) {
                return true;
            }
            if (version.startsWith("8") && ua.contains("Touch")) {
                return true;
            }
        }
        // BlackBerry Bold Touch (99xx) and Storm (95xx); user_agents spells it "Blackberry"
        return osFamily.contains("BlackBerry")
                && (deviceFamily.contains("Blackberry 99") || deviceFamily.contains("Blackberry 95"));
    }

    boolean isPc() {
        if (ua.contains("Windows NT")
                || PC_OS_FAMILIES.contains(osFamily)
                || (osFamily.equals("Windows") && osVersionString().equals("ME"))) {
            return true;
        }
        if (osFamily.equals("Mac OS X") && !ua.contains("Silk")) {
            return true;
        }
        // Maemo says Linux and X11 but is a phone
        if (ua.contains("Maemo")) {
            return false;
        }
        if (osFamily.contains("Chrome OS")) {
            return true;
        }
        return ua.contains("Linux") && ua.contains("X11");
    }

    boolean isBot() {
        return deviceFamily.equals("Spider");
    }
}
