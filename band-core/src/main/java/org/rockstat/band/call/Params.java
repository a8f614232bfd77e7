package org.rockstat.band.call;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import org.rockstat.band.internal.json.Json;

/**
 * All params of a call, the Java counterpart of Python's {@code **params}. Declare a parameter of
 * this type (or {@code Map<String, Object>}) to receive them. Read-only.
 *
 * <pre>{@code
 * @Handler
 * public Response data(Params params) {
 *     int page = params.get("page", Integer.class).orElse(1);
 *     return Response.data(params.asMap());
 * }
 * }</pre>
 */
public final class Params {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private final ObjectNode node;

    private Params(ObjectNode node) {
        this.node = node;
    }

    /** Wraps a params object (not copied: callers hand over ownership). */
    public static Params of(ObjectNode node) {
        return new Params(node == null ? Json.object() : node);
    }

    /** Params from a map, converted with Band's JSON rules. */
    public static Params of(Map<String, ?> values) {
        return new Params(Json.mapper().valueToTree(values));
    }

    /** True when the param is present and not JSON {@code null}. */
    public boolean has(String name) {
        JsonNode value = node.get(name);
        return value != null && !value.isNull();
    }

    /** The param converted to {@code type}, or empty when absent or {@code null}. */
    public <T> Optional<T> get(String name, Class<T> type) {
        if (!has(name)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(Json.mapper().treeToValue(node.get(name), type));
        } catch (Exception e) {
            throw RpcException.invalidParams("Invalid param '" + name + "': expected " + type.getSimpleName() + ", got "
                    + node.get(name).getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** The param as text (numbers and booleans as written), or {@code null} when absent. */
    public String string(String name) {
        return has(name) ? node.get(name).asText() : null;
    }

    /** The raw JSON value, or {@code null} when absent. */
    public JsonNode node(String name) {
        return node.get(name);
    }

    /** The whole params object. Treat it as read-only. */
    public ObjectNode node() {
        return node;
    }

    /** A new mutable map of every param. */
    public Map<String, Object> asMap() {
        return Json.mapper().convertValue(node, MAP);
    }

    /** The param names. */
    public Iterable<String> names() {
        return node::fieldNames;
    }

    /** Number of params. */
    public int size() {
        return node.size();
    }

    @Override
    public String toString() {
        return node.toString();
    }
}
