package org.rockstat.band.internal.config;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.ClassUtil;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.problem.Problems.Where;

/**
 * Binds a configuration subtree to a record: each component from the key of its name in
 * snake_case ({@code timeoutMs} from {@code timeout_ms}) or as written, nested records
 * recursively. Every problem is collected: a missing component without a default (anything but
 * {@code Optional} and boxed primitives, which may be absent), a key that matches no component
 * (a typo would otherwise be ignored), a value of the wrong type.
 */
public final class RecordBinder {
    private final Problems problems;
    private final MissingReporter missing;
    private final ValueConverter converter;

    /** Reports a required component that is absent. */
    @FunctionalInterface
    public interface MissingReporter {
        void missing(String path);
    }

    /** Converts a present value to a type, or reports and answers null. */
    @FunctionalInterface
    public interface ValueConverter {
        Object convert(String path, JsonNode value, JavaType type);
    }

    /**
     * A binder reporting to {@code problems}.
     *
     * @param missing   told the dot path of each absent required component
     * @param converter converts each present non-record value
     */
    public RecordBinder(Problems problems, MissingReporter missing, ValueConverter converter) {
        this.problems = problems;
        this.missing = missing;
        this.converter = converter;
    }

    /** The record, or {@code null} when something was reported. */
    public <T> T bind(String path, ObjectNode node, Class<T> type) {
        int before = problems.list().size();
        RecordComponent[] components = type.getRecordComponents();
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        node.properties().forEach(e -> byKey.put(e.getKey(), e.getValue()));
        Set<String> used = new LinkedHashSet<>();
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            String snake = snakeCase(component.getName());
            String key = byKey.containsKey(snake)
                    ? snake
                    : byKey.containsKey(component.getName()) ? component.getName() : null;
            JsonNode value = key == null ? null : byKey.get(key);
            String componentPath = path + "." + (key == null ? snake : key);
            if (key != null) {
                used.add(key);
            }
            args[i] = value(componentPath, value, component);
        }
        List<String> known = new ArrayList<>();
        for (RecordComponent component : components) {
            known.add(snakeCase(component.getName()));
        }
        for (String key : byKey.keySet()) {
            if (!used.contains(key)) {
                String fix = Problems.nearest(key, known)
                        .map(near -> "did you mean '" + near + "'?")
                        .orElse("remove it, or use one of: " + String.join(", ", known));
                problems.add(
                        "Unknown setting '" + path + "." + key + "' (" + type.getSimpleName() + " has no such field)",
                        Where.configFile(),
                        fix);
            }
        }
        if (problems.list().size() > before) {
            return null;
        }
        try {
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
            }
            Constructor<T> constructor = type.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            problems.add(
                    "Setting '" + path + "' is not a valid " + type.getSimpleName() + " ("
                            + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage())
                            + ")",
                    Where.configFile(),
                    "change the values under '" + path + "'");
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Cannot construct " + type.getName() + ": " + e, e);
        }
    }

    private Object value(String path, JsonNode value, RecordComponent component) {
        Class<?> raw = component.getType();
        boolean present = value != null && !value.isNull() && !value.isMissingNode();
        if (!present) {
            if (raw == Optional.class) {
                return Optional.empty();
            }
            if (isBoxed(raw)) {
                return null;
            }
            missing.missing(path);
            return defaultFor(raw);
        }
        if (raw.isRecord() && value instanceof ObjectNode object) {
            Object bound = bind(path, object, raw);
            return bound == null ? defaultFor(raw) : bound;
        }
        JavaType type = Json.mapper().getTypeFactory().constructType(component.getGenericType());
        if (raw == Optional.class) {
            JavaType inner = type.containedTypeOrUnknown(0);
            return Optional.ofNullable(converter.convert(path, value, inner));
        }
        Object converted = converter.convert(path, value, type);
        return converted == null ? defaultFor(raw) : converted;
    }

    static String snakeCase(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** A wrapper of a primitive ({@code Integer}, {@code Boolean}...): Jackson's own table of them. */
    private static boolean isBoxed(Class<?> type) {
        return !type.isPrimitive() && ClassUtil.primitiveType(type) != null;
    }

    /** A placeholder for a failed component, so the remaining components are still checked. */
    private static Object defaultFor(Class<?> type) {
        if (!type.isPrimitive()) {
            return null;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == char.class) {
            return '\0';
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0d;
        }
        if (type == float.class) {
            return 0f;
        }
        if (type == short.class) {
            return (short) 0;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        return 0;
    }
}
