package org.rockstat.band.internal.config;

import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.problem.Problems.Where;

/**
 * The HTTP listen address: {@code listen} as written ({@code host:port}, {@code :port},
 * {@code port}, {@code host}, {@code [::1]:8080}) with the defaults {@code 0.0.0.0} and
 * {@code 8080} filled in. The one parser of {@code listen}: the loader writes its text into the
 * tree, the runtime binds its host and port.
 *
 * @param host the host, without IPv6 brackets
 * @param port 0 to 65535 (0 asks the OS for a free port)
 */
public record ListenAddress(String host, int port) {
    /** Host used when {@code listen} has none. */
    public static final String DEFAULT_HOST = "0.0.0.0";
    /** Port used when {@code listen} has none. */
    public static final int DEFAULT_PORT = 8080;

    /** {@code host:port}, with brackets around an IPv6 host. */
    public String text() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return text();
    }

    /**
     * Parses {@code listen}; a blank text gives the defaults.
     *
     * @return the address, or {@code null} when it is invalid (reported to {@code problems})
     */
    public static ListenAddress parse(String listen, Problems problems) {
        String text = listen == null ? "" : listen.strip();
        String host;
        String port;
        if (text.startsWith("[")) {
            int bracket = text.indexOf(']');
            String rest = bracket < 0 ? null : text.substring(bracket + 1);
            if (rest == null || (!rest.isEmpty() && !rest.startsWith(":"))) {
                return invalid("Invalid listen address '" + text + "'", problems);
            }
            host = text.substring(1, bracket);
            port = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                boolean digits = !text.isEmpty() && text.chars().allMatch(Character::isDigit);
                host = digits ? "" : text;
                port = digits ? text : "";
            } else if (text.indexOf(':') != colon) {
                problems.add(
                        "Ambiguous listen address '" + text + "'",
                        Where.setting("listen"),
                        "write an IPv6 host in brackets, e.g. '[::1]:8080'");
                return null;
            } else {
                host = text.substring(0, colon);
                port = text.substring(colon + 1);
            }
        }
        host = host.isBlank() ? DEFAULT_HOST : host.strip();
        port = port.strip();
        if (port.isEmpty()) {
            return new ListenAddress(host, DEFAULT_PORT);
        }
        if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(port) > 65535) {
            return invalid("Invalid port '" + port + "' in listen address '" + text + "'", problems);
        }
        return new ListenAddress(host, Integer.parseInt(port));
    }

    private static ListenAddress invalid(String what, Problems problems) {
        problems.add(
                what,
                Where.setting("listen"),
                "use host:port with a port from 0 to 65535 (0 picks a free port), e.g. '0.0.0.0:8080'");
        return null;
    }
}
