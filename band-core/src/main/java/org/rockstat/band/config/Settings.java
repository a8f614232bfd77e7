package org.rockstat.band.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import org.rockstat.band.internal.json.Json;

/**
 * The service's effective configuration: {@code config.yaml} with {@code custom.yml} merged
 * over it, templated from the environment. Read your own settings typed, by dot path; bind a
 * subtree to a record. Declare a {@code Settings} parameter on a service method, a worker or a
 * factory ({@code Band.run(args, settings -> new MyService(settings))}) to receive it.
 *
 * <pre>{@code
 * int start = settings.get("initial_counter_value", Integer.class);
 * String db = settings.get("db.file", String.class, "./data/GeoLite2-City.mmdb");
 * record Db(String file, int poolSize) {}
 * Db db = settings.bind("db", Db.class);
 * }</pre>
 */
public final class Settings {
    /** Default {@code listen} address. */
    public static final String DEFAULT_LISTEN = "0.0.0.0:8080";

    private final ObjectNode root;

    /** Settings over an already merged and templated tree (the runtime's loader builds it). */
    public Settings(ObjectNode root) {
        this.root = root;
    }

    /** Settings from a map, handy in tests: {@code Settings.of(Map.of("name", "demo"))}. */
    public static Settings of(Map<String, ?> values) {
        return new Settings(Json.mapper().valueToTree(values));
    }

    /** The service's name: channel, {@code register} and heartbeat name. */
    public String name() {
        return text("name", "band");
    }

    /** {@code development} (default) or {@code production}. */
    public String env() {
        return text("env", "development");
    }

    /** True unless {@code env} is {@code production}. */
    public boolean isDevelopment() {
        return !"production".equals(env());
    }

    /** The HTTP listen address, {@code host:port}. */
    public String listen() {
        return text("listen", DEFAULT_LISTEN);
    }

    /** The Redis DSN, or empty for the embedded in-process transport. */
    public Optional<String> redisDsn() {
        String dsn = text("redis_dsn", "");
        return dsn.isBlank() ? Optional.empty() : Optional.of(dsn);
    }

    /**
     * An {@code rpc_params} flag ({@code listen_all}, {@code listen_enrich}); the older name
     * {@code redis_params} is read too.
     */
    public boolean rpcFlag(String flag) {
        JsonNode value = root.path("rpc_params").path(flag);
        if (value.isMissingNode()) {
            value = root.path("redis_params").path(flag);
        }
        return value.isBoolean() ? value.booleanValue()
                : value.isTextual() && isTrue(value.textValue());
    }

    /** True when the dot path is present and not {@code null}. */
    public boolean has(String path) {
        JsonNode node = node(path);
        return !node.isMissingNode() && !node.isNull();
    }

    /**
     * The setting at a dot path, converted to {@code type}.
     *
     * @throws ConfigurationException when it is missing or cannot be converted
     */
    public <T> T get(String path, Class<T> type) {
        return find(path, type).orElseThrow(() -> new ConfigurationException(java.util.List.of(
                "Missing setting '" + path + "' in config.yaml: add it, e.g. " + example(path))));
    }

    /** The setting, or {@code fallback} when it is missing. */
    public <T> T get(String path, Class<T> type, T fallback) {
        return find(path, type).orElse(fallback);
    }

    /** The setting, or empty when missing or {@code null}. */
    public <T> Optional<T> find(String path, Class<T> type) {
        if (!has(path)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(Json.mapper().treeToValue(node(path), type));
        } catch (Exception e) {
            throw new ConfigurationException(java.util.List.of("Setting '" + path + "' = " + node(path)
                    + " cannot be read as " + type.getSimpleName() + " in config.yaml: change it to a "
                    + type.getSimpleName() + " value"));
        }
    }

    /** A subtree bound to a record or POJO (unknown keys are ignored). */
    public <T> T bind(String path, Class<T> type) {
        return get(path, type);
    }

    /** The raw value at a dot path ({@link MissingNode} when absent). */
    public JsonNode node(String path) {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            node = node.path(part);
        }
        return node;
    }

    /** The whole tree. Treat it as read-only. */
    public ObjectNode tree() {
        return root;
    }

    private String text(String key, String fallback) {
        JsonNode value = root.get(key);
        return value == null || value.isNull() || value.asText().isBlank() ? fallback : value.asText();
    }

    private static boolean isTrue(String text) {
        return switch (text.trim().toLowerCase()) {
            case "true", "yes", "y", "on", "1" -> true;
            default -> false;
        };
    }

    private static String example(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "'" + path + ": <value>'" : "'" + path.substring(dot + 1) + ": <value>' under '"
                + path.substring(0, dot) + "'";
    }

    @Override
    public String toString() {
        return "Settings" + root;
    }
}
