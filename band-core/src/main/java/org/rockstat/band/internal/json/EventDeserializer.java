package org.rockstat.band.internal.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Map;
import org.rockstat.band.call.Event;

/**
 * Reads front's event so that anything the platform can send binds: a field of the wrong shape
 * reads as {@code null} instead of failing the call (the raw value stays in the params), a
 * {@code projectId} of any number of digits is kept whole, a {@code time} past {@code long} is
 * {@code null}. A listener never loses an event to a visitor's odd URL.
 */
public final class EventDeserializer extends StdDeserializer<Event> {
    private static final long serialVersionUID = 1L;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    /** Used by Jackson through {@link Event}'s annotation. */
    public EventDeserializer() {
        super(Event.class);
    }

    @Override
    public Event deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        JsonNode node = parser.readValueAsTree();
        if (node == null || !node.isObject()) {
            return new Event(null, null, null, null, null, null, null, null, null, null);
        }
        return new Event(
                text(node.get("key")),
                text(node.get("service")),
                text(node.get("name")),
                text(node.get("channel")),
                bigInteger(node.get("projectId")),
                text(node.get("uid")),
                map(node.get("td")),
                map(node.get("data")),
                text(node.get("id")),
                epochMillis(node.get("time")));
    }

    private static String text(JsonNode value) {
        return value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    private static BigInteger bigInteger(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue();
        }
        if (value.isNumber()) {
            return value.decimalValue().toBigInteger();
        }
        String text = value.isTextual() ? value.textValue().strip() : "";
        return text.matches("-?\\d{1,1000}") ? new BigInteger(text) : null;
    }

    private static Long epochMillis(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isFloatingPointNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        String text = value.isTextual() ? value.textValue().strip() : "";
        return text.matches("-?\\d{1,18}") ? Long.parseLong(text) : null;
    }

    private static Map<String, Object> map(JsonNode value) {
        return value != null && value.isObject() ? Json.mapper().convertValue(value, MAP) : null;
    }
}
