package org.rockstat.band.internal.rpc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.rockstat.band.internal.json.Json;

/**
 * Reads only the routing fields of a message too large to process, streaming past everything
 * else, so an oversized request can still be answered with an error without building its tree.
 */
final class OversizePeek {
    private static final Set<String> ROUTING = Set.of("jsonrpc", "id", "method", "to", "from");

    private OversizePeek() {}

    /** The envelope of the top-level routing fields, or {@code null} when it is not a JSON object. */
    static Envelope peek(byte[] text) {
        try (JsonParser parser = Json.mapper().getFactory().createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            ObjectNode routing = Json.object();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (ROUTING.contains(field) && value.isScalarValue()) {
                    routing.set(field, parser.readValueAsTree());
                } else {
                    parser.skipChildren();
                }
            }
            return Envelope.of(routing);
        } catch (Exception e) {
            return null;
        }
    }
}
