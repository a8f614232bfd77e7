package org.rockstat.band.config;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.rockstat.band.internal.config.ConfigDefaults;
import org.rockstat.band.internal.config.RecordBinder;
import org.rockstat.band.internal.config.SecretMasker;
import org.rockstat.band.internal.config.SettingsTrees;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.problem.Problems.Where;

/**
 * The service's effective configuration: {@code config.yaml} with {@code custom.yml} merged
 * over it, templated from the environment. Read your own settings typed, by dot path; bind a
 * subtree to a record, whose components are read from the snake_case keys of the same names.
 * Declare a {@code Settings} parameter on a service method, a worker or a factory
 * ({@code Band.run(args, MyService::new)}) to receive it.
 *
 * <pre>{@code
 * int start = settings.get("initial_counter_value", Integer.class);
 * String db = settings.get("db.file", String.class, "./data/GeoLite2-City.mmdb");
 * record Db(String file, int poolSize) {}            // db: {file: geo.mmdb, pool_size: 4}
 * Db db = settings.bind("db", Db.class);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Settings {
    private static final int SHOWN_LIMIT = 80;
    /** Jackson for non-record beans: snake_case keys, and a key that matches nothing is an error. */
    private static final ObjectReader BEANS = JsonMapper.builder()
            .findAndAddModules()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build()
            .reader();

    static {
        SettingsTrees.install(Settings::new, settings -> settings.root);
    }

    private final ObjectNode root;

    private Settings(ObjectNode root) {
        this.root = root;
    }

    /** Settings from a map, handy in tests: {@code Settings.of(Map.of("name", "demo"))}. */
    public static Settings of(Map<String, ?> values) {
        return new Settings(Json.mapper().valueToTree(values));
    }

    /** The service's name: channel, {@code register} and heartbeat name. */
    public String name() {
        return text("name", ConfigDefaults.DEFAULT_NAME);
    }

    /** {@code development} (default) or {@code production}. */
    public String env() {
        return text("env", ConfigDefaults.DEFAULT_ENV);
    }

    /** True unless {@code env} is {@code production}. */
    public boolean isDevelopment() {
        return !"production".equals(env());
    }

    /** True when the dot path is present and not {@code null}. */
    public boolean has(String path) {
        JsonNode node = node(path);
        return !node.isMissingNode() && !node.isNull();
    }

    /**
     * The setting at a dot path, converted to {@code type} (a record binds as {@link #bind} does).
     *
     * @throws ConfigurationException when it is missing or cannot be converted
     */
    public <T> T get(String path, Class<T> type) {
        return find(path, type).orElseThrow(() -> {
            Problems problems = new Problems();
            missing(path, problems);
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
        Problems problems = new Problems();
        T value = convert(path, node(path), type, problems);
        problems.throwIfAny();
        return Optional.ofNullable(value);
    }

    /**
     * A subtree bound to a record (or a bean): {@code pool_size: 4} fills component
     * {@code poolSize}. Every problem is reported at once: a missing component (only
     * {@code Optional} and boxed ones may be absent), a key that matches no component, a value of
     * the wrong type.
     *
     * @throws ConfigurationException naming each problem's dot path
     */
    public <T> T bind(String path, Class<T> type) {
        return get(path, type);
    }

    /** The raw value at a dot path ({@link MissingNode} when absent). */
    public JsonNode node(String path) {
        JsonNode node = root;
        for (String part : path.split("\\.", -1)) {
            node = node.path(part);
        }
        return node;
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

    private <T> T convert(String path, JsonNode node, Class<T> type, Problems problems) {
        if (type.isRecord() && node instanceof ObjectNode object) {
            return new RecordBinder(
                            problems,
                            absent -> missing(absent, problems),
                            (at, value, javaType) -> convertValue(path, at, value, javaType, type, problems))
                    .bind(path, object, type);
        }
        return type.cast(convertValue(path, path, node, Json.mapper().constructType(type), type, problems));
    }

    /** Converts one value; on failure reports it (quoting the whole setting at {@code path}) and answers null. */
    private Object convertValue(
            String path, String at, JsonNode value, JavaType type, Class<?> asked, Problems problems) {
        try {
            boolean bean = !type.isContainerType() && !type.isPrimitive() && !isPlain(type.getRawClass());
            return bean ? BEANS.forType(type).readValue(value) : Json.mapper().treeToValue(value, type);
        } catch (UnrecognizedPropertyException unknown) {
            problems.add(
                    "Unknown setting '" + at + "." + unknown.getPropertyName() + "' ("
                            + type.getRawClass().getSimpleName() + " has no such field)",
                    Where.configFile(),
                    "remove it, or use one of: "
                            + unknown.getKnownPropertyIds().stream()
                                    .map(String::valueOf)
                                    .sorted()
                                    .collect(Collectors.joining(", ")));
            return null;
        } catch (java.io.IOException | IllegalArgumentException e) {
            unreadable(path, at, asked, type.getRawClass(), e, problems);
            return null;
        }
    }

    private void unreadable(
            String path, String at, Class<?> asked, Class<?> target, Exception error, Problems problems) {
        String fix =
                path.equals(at) ? "change it to " + describe(target) : "change '" + at + "' to " + describe(target);
        if (error instanceof MismatchedInputException mismatch
                && !mismatch.getPath().isEmpty()) {
            StringBuilder field = new StringBuilder(at);
            for (JsonMappingException.Reference reference : mismatch.getPath()) {
                field.append(
                        reference.getFieldName() != null
                                ? "." + reference.getFieldName()
                                : "[" + reference.getIndex() + "]");
            }
            Class<?> inner = mismatch.getTargetType();
            fix = "change '" + field + "' to " + (inner == null ? "a valid value" : describe(inner));
        }
        String shown = SecretMasker.mask(path, node(path)).toString();
        if (shown.length() > SHOWN_LIMIT) {
            shown = shown.substring(0, SHOWN_LIMIT) + "...";
        }
        problems.add(
                "Setting '" + path + "' = " + shown + " cannot be read as " + asked.getSimpleName(),
                Where.configFile(),
                fix);
    }

    private static void missing(String path, Problems problems) {
        problems.add("Missing setting '" + path + "'", Where.configFile(), "add it, e.g. " + example(path));
    }

    private static boolean isPlain(Class<?> type) {
        String pkg = type.getPackageName();
        return type.isEnum()
                || type.isArray()
                || type == Object.class
                || JsonNode.class.isAssignableFrom(type)
                || pkg.startsWith("java.")
                || pkg.startsWith("javax.");
    }

    /** What a value of {@code type} looks like in YAML, for error messages. */
    private static String describe(Class<?> type) {
        if (type.isEnum()) {
            return "one of "
                    + Arrays.stream(type.getEnumConstants())
                            .map(String::valueOf)
                            .collect(Collectors.joining(", "));
        }
        if (type == Integer.class
                || type == int.class
                || type == Long.class
                || type == long.class
                || type == Short.class
                || type == short.class
                || type == Byte.class
                || type == byte.class
                || type == BigInteger.class) {
            return "a whole number";
        }
        if (type == Double.class
                || type == double.class
                || type == Float.class
                || type == float.class
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

    private static String example(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0
                ? "'" + path + ": <value>'"
                : "'" + path.substring(dot + 1) + ": <value>' under '" + path.substring(0, dot) + "'";
    }

    @Override
    public String toString() {
        return "Settings" + masked();
    }
}
