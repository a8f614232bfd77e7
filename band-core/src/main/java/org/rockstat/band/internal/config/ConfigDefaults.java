package org.rockstat.band.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.util.Map;
import java.util.function.Supplier;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.problem.Problems.Where;

/**
 * Fills in {@code name}, {@code env} and {@code listen} after merging, writing them into the
 * tree so {@link org.rockstat.band.config.Settings} and the effective-config log agree:
 * {@code name} from env {@code NAME} or the host name, {@code env} from env {@code ENV} or
 * {@code development}, {@code listen} normalised to {@code host:port} (a config line such as
 * {@code "{{HOST}}:{{PORT}}"} with both unset yields {@code 0.0.0.0:8080}).
 */
public final class ConfigDefaults {
    /** Host used when {@code listen} has none. */
    public static final String DEFAULT_HOST = "0.0.0.0";
    /** Port used when {@code listen} has none. */
    public static final String DEFAULT_PORT = "8080";
    /** Environment used when neither the config nor {@code ENV} names one. */
    public static final String DEFAULT_ENV = "development";

    private final Supplier<String> hostName;

    /** Defaults using {@code hostName} as the last resort for {@code name}. */
    public ConfigDefaults(Supplier<String> hostName) {
        this.hostName = hostName;
    }

    /** Defaults using this machine's host name ({@code band} when it cannot be found). */
    public static ConfigDefaults system() {
        return new ConfigDefaults(ConfigDefaults::localHostName);
    }

    /** Writes the defaults into {@code tree}; a bad {@code listen} goes to {@code problems}. */
    public void apply(ObjectNode tree, Map<String, String> env, Problems problems) {
        if (isBlank(tree.get("name"))) {
            String name = env.get("NAME");
            tree.put("name", name != null && !name.isBlank() ? name : orBand(hostName.get()));
        }
        if (isBlank(tree.get("env"))) {
            String value = env.get("ENV");
            tree.put("env", value != null && !value.isBlank() ? value : DEFAULT_ENV);
        }
        String listen = isBlank(tree.get("listen")) ? "" : tree.get("listen").asText().strip();
        tree.put("listen", normaliseListen(listen, problems));
    }

    /** {@code host:port} with the defaults filled in; the input unchanged when it is invalid. */
    static String normaliseListen(String listen, Problems problems) {
        String host;
        String port;
        if (listen.startsWith("[")) {
            int bracket = listen.indexOf(']');
            String rest = bracket < 0 ? null : listen.substring(bracket + 1);
            if (rest == null || !rest.isEmpty() && !rest.startsWith(":")) {
                return invalid("Invalid listen address '" + listen + "'", listen, problems);
            }
            host = listen.substring(0, bracket + 1);
            port = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int colon = listen.lastIndexOf(':');
            if (colon < 0) {
                boolean digits = !listen.isEmpty() && listen.chars().allMatch(Character::isDigit);
                host = digits ? "" : listen;
                port = digits ? listen : "";
            } else if (listen.indexOf(':') != colon) {
                problems.add("Ambiguous listen address '" + listen + "'", Where.setting("listen"),
                        "write an IPv6 host in brackets, e.g. '[::1]:8080'");
                return listen;
            } else {
                host = listen.substring(0, colon);
                port = listen.substring(colon + 1);
            }
        }
        host = host.isBlank() ? DEFAULT_HOST : host.strip();
        port = port.isBlank() ? DEFAULT_PORT : port.strip();
        if (!validPort(port)) {
            return invalid("Invalid port '" + port + "' in listen address '" + listen + "'", listen, problems);
        }
        return host + ":" + port;
    }

    private static String invalid(String what, String listen, Problems problems) {
        problems.add(what, Where.setting("listen"), "use host:port with a port from 0 to 65535 (0 picks a free port), e.g. '0.0.0.0:8080'");
        return listen;
    }

    private static boolean validPort(String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        int value = Integer.parseInt(port);
        return value <= 65535; // 0 asks the OS for a free port (tests, side-by-side runs)
    }

    private static boolean isBlank(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode()
                || node.isValueNode() && node.asText().isBlank();
    }

    private static String orBand(String name) {
        return name == null || name.isBlank() ? "band" : name;
    }

    static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "band";
        }
    }
}
