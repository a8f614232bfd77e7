package org.rockstat.band.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.util.Map;
import java.util.function.Supplier;
import org.rockstat.band.internal.problem.Problems;

/**
 * Fills in {@code name}, {@code env} and {@code listen} after merging, writing them into the
 * tree so {@link org.rockstat.band.config.Settings} and the effective-config log agree:
 * {@code name} from env {@code NAME} or the host name, {@code env} from env {@code ENV} or
 * {@code development}, {@code listen} normalised to {@code host:port} by {@link ListenAddress} (a config line such as
 * {@code "{{HOST}}:{{PORT}}"} with both unset yields {@code 0.0.0.0:8080}), and
 * {@code metrics.statsd.host}/{@code port} from env {@code STATSD_HOST}/{@code STATSD_PORT} when
 * the files set none (front reads the same variables), and {@code redis_tls.*_file} from env
 * {@code REDIS_TLS_CA_FILE}, {@code REDIS_TLS_CERT_FILE}, {@code REDIS_TLS_KEY_FILE} likewise.
 */
public final class ConfigDefaults {
    /** Environment used when neither the config nor {@code ENV} names one. */
    public static final String DEFAULT_ENV = "development";
    /** Name used when neither the config, {@code NAME} nor the host name gives one. */
    public static final String DEFAULT_NAME = "band";

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
            String name = EnvVar.NAME.in(env);
            tree.put("name", name != null ? name : orBand(hostName.get()));
        }
        if (isBlank(tree.get("env"))) {
            String value = EnvVar.ENV.in(env);
            tree.put("env", value != null ? value : DEFAULT_ENV);
        }
        String listen =
                isBlank(tree.get("listen")) ? "" : tree.get("listen").asText().strip();
        tree.put("listen", normaliseListen(listen, problems));
        statsdFromEnv(tree, env, problems);
        redisTlsFromEnv(tree, env);
    }

    /** {@code REDIS_TLS_*_FILE} under {@code redis_tls}, unless the files set them (a mounted secret's path). */
    private static void redisTlsFromEnv(ObjectNode tree, Map<String, String> env) {
        Map<EnvVar, String> keys = Map.of(
                EnvVar.REDIS_TLS_CA_FILE, "ca_file",
                EnvVar.REDIS_TLS_CERT_FILE, "cert_file",
                EnvVar.REDIS_TLS_KEY_FILE, "key_file");
        keys.forEach((variable, key) -> {
            String value = variable.in(env);
            if (value == null) {
                return;
            }
            ObjectNode tls = objectAt(tree, "redis_tls");
            if (tls != null && isBlank(tls.get(key))) {
                tls.put(key, value.strip());
            }
        });
    }

    /** {@code STATSD_HOST}/{@code STATSD_PORT} under {@code metrics.statsd}, unless the files set them. */
    private static void statsdFromEnv(ObjectNode tree, Map<String, String> env, Problems problems) {
        String host = EnvVar.STATSD_HOST.in(env);
        String port = EnvVar.STATSD_PORT.in(env);
        if (host == null && port == null) {
            return;
        }
        ObjectNode statsd = objectAt(objectAt(tree, "metrics"), "statsd");
        if (statsd == null) {
            return; // not an object: RuntimeConfig reports the setting
        }
        if (host != null && isBlank(statsd.get("host"))) {
            statsd.put("host", host.strip());
        }
        if (port != null && isBlank(statsd.get("port"))) {
            String digits = port.strip();
            if (digits.matches("\\d{1,5}") && Integer.parseInt(digits) >= 1 && Integer.parseInt(digits) <= 65535) {
                statsd.put("port", Integer.parseInt(digits));
            } else {
                problems.add(
                        EnvVar.STATSD_PORT.name() + " = '"
                                + (digits.length() > 40 ? digits.substring(0, 40) + "..." : digits)
                                + "' is not a port number",
                        Problems.Where.environment(),
                        "give a number from 1 to 65535, e.g. STATSD_PORT=8125, or unset it for 8125");
            }
        }
    }

    /** The object under {@code key}, made when absent; {@code null} when something else is there. */
    private static ObjectNode objectAt(ObjectNode parent, String key) {
        if (parent == null) {
            return null;
        }
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return parent.putObject(key);
        }
        return node instanceof ObjectNode object ? object : null;
    }

    /** {@code host:port} with the defaults filled in; the input unchanged when it is invalid. */
    static String normaliseListen(String listen, Problems problems) {
        ListenAddress address = ListenAddress.parse(listen, problems);
        return address == null ? listen : address.text();
    }

    private static boolean isBlank(JsonNode node) {
        return node == null
                || node.isNull()
                || node.isMissingNode()
                || (node.isValueNode() && node.asText().isBlank());
    }

    private static String orBand(String name) {
        return name == null || name.isBlank() ? DEFAULT_NAME : name;
    }

    static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return DEFAULT_NAME;
        }
    }
}
