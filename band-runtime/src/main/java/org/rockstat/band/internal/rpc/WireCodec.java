package org.rockstat.band.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.rpc.CallContext;

/**
 * Internal seam over the package-private wire codec ({@link Envelope}, {@link WireMessages}) for
 * the in-process dispatch benchmark (band-bench). Not an API: it decodes and encodes exactly as
 * {@link RpcEndpoint} does, without the validation and routing checks.
 */
public final class WireCodec {
    private WireCodec() {
    }

    /** A decoded request: what the endpoint hands to the dispatcher, and what it answers with. */
    public record Request(String method, ObjectNode params, CallContext context, JsonNode id, String from) {
    }

    /** Parses a request message as the endpoint does. */
    public static Request decodeRequest(String text, String transport) {
        try {
            ObjectNode node = (ObjectNode) Json.mapper().readTree(text);
            Envelope message = Envelope.of(node);
            JsonNode params = message.params();
            return new Request(message.method(), params instanceof ObjectNode p ? p : Json.object(),
                    new CallContext(message.from(), message.idText(), message.method(), transport), message.id(),
                    message.from());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a JSON request: " + e.getMessage(), e);
        }
    }

    /** Encodes a request message as the client does. */
    public static String encodeRequest(String id, String to, String method, String from, ObjectNode params) {
        return WireMessages.request(id, to, method, from, params);
    }

    /** Encodes the result response to {@code request} as the endpoint does. */
    public static String encodeResult(Request request, Object value, String from) {
        return WireMessages.result(request.id(), value instanceof JsonNode node ? node : Json.tree(value), from,
                request.from());
    }
}
