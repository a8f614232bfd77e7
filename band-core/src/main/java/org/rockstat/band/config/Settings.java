package org.rockstat.band.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.rockstat.band.internal.config.SecretMasker;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.problem.Problems.Where;

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

    private static final Where CONFIG_FILE = Where.file(Path.of("config.yaml"), 0, 0);
    private static final int SHOWN_LIMIT = 80;

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
        return find(path, type).orElseThrow(() -> {
            Problems problems = new Problems();
            problems.add("Missing setting '" + path + "'", CONFIG_FILE, "add it, e.g. " + example(path));
            return new ConfigurationException(problems.list());
        });
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
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw unreadable(path, type, e);
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

    /**
     * A copy of the tree safe to log: passwords, tokens and other secret-looking keys, and
     * passwords inside URLs ({@code redis://:***@host}), are replaced by {@code ***}.
     */
    public ObjectNode masked() {
        return (ObjectNode) SecretMasker.mask(root);
    }

    private String text(String key, String fallback) {
        JsonNode value = root.get(key);
        return value == null || value.isNull() || value.asText().isBlank() ? fallback : value.asText();
    }

    private ConfigurationException unreadable(String path, Class<?> type, Exception error) {
        String fix = "change it to " + describe(type);
        if (error instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            StringBuilder field = new StringBuilder(path);
            for (JsonMappingException.Reference reference : mismatch.getPath()) {
                field.append(reference.getFieldName() != null ? "." + reference.getFieldName()
                        : "[" + reference.getIndex() + "]");
            }
            Class<?> target = mismatch.getTargetType();
            fix = "change '" + field + "' to " + (target == null ? "a valid value" : describe(target));
        }
        String shown = SecretMasker.mask(path, node(path)).toString();
        if (shown.length() > SHOWN_LIMIT) {
            shown = shown.substring(0, SHOWN_LIMIT) + "...";
        }
        Problems problems = new Problems();
        problems.add("Setting '" + path + "' = " + shown + " cannot be read as " + type.getSimpleName(),
                CONFIG_FILE, fix);
        return new ConfigurationException(problems.list());
    }

    /** What a value of {@code type} looks like in YAML, for error messages. */
    private static String describe(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf)
                    .collect(Collectors.joining(", "));
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class || type == Byte.class || type == byte.class
                || type == BigInteger.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class
                || Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (CharSequence.class.isAssignableFrom(type) || type == Character.class || type == char.class) {
            return "text";
        }
        if (type == Duration.class) {
            return "a duration such as PT30S";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a mapping with the fields of " + type.getSimpleName();
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
