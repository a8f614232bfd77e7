package org.rockstat.band.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rockstat.band.call.Params;
import org.rockstat.band.internal.json.Json;

/** Converts what a caller passes as params to the JSON object sent on the wire. */
final class ParamsCodec {
    private ParamsCodec() {}

    /**
     * {@code null} to {@code {}}; an {@code ObjectNode} as is; {@link Params} unwrapped; anything
     * else through Jackson.
     *
     * @throws IllegalArgumentException when the value is not a JSON object
     */
    static ObjectNode toObject(Object params) {
        if (params == null) {
            return Json.object();
        }
        if (params instanceof Params p) {
            return p.node();
        }
        JsonNode node = params instanceof JsonNode n ? n : Json.tree(params);
        if (node instanceof ObjectNode object) {
            return object;
        }
        if (node == null || node.isNull()) {
            return Json.object();
        }
        throw new IllegalArgumentException("params must be a JSON object (a Map, record or ObjectNode), got "
                + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
}
