package org.rockstat.band.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.rockstat.band.call.Response;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.client.RemoteException;
import org.rockstat.band.internal.json.Json;

/**
 * Turns a response's {@code result} into what {@link org.rockstat.band.client.RpcClient} returns:
 * typed results (§3) as {@link Response}s, except {@code data}, unwrapped to its {@code data};
 * plain JSON as Java values.
 */
final class ResultDecoder {
    private ResultDecoder() {}

    static Object decode(JsonNode result) {
        if (result == null || result.isNull()) {
            return null;
        }
        JsonNode type = result.isObject() ? result.get("type__") : null;
        if (type == null || !type.isTextual()) {
            return plain(result);
        }
        return switch (type.textValue()) {
            case "data" -> plain(result.get("data"));
            case "pixel" -> new Response.Pixel(status(result, 200), headers(result));
            case "redirect" ->
                new Response.Redirect(result.path("location").asText(""), status(result, 302), headers(result));
            case "error" ->
                new Response.Error(result.path("errorMessage").asText(""), status(result, 500), headers(result));
            default -> plain(result);
        };
    }

    /** The remote error as an exception naming the call: {@code "svc.method failed: msg (code -32602)"}. */
    static RpcException error(String service, String method, JsonNode error) {
        int code = error.path("code").canConvertToInt() ? error.path("code").asInt() : RpcException.INTERNAL_ERROR;
        String message = error.isObject() ? error.path("message").asText("") : error.asText();
        return new RemoteException(service, method, code, message);
    }

    private static Object plain(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return Json.mapper().treeToValue(node, Object.class);
        } catch (Exception e) {
            return node.toString();
        }
    }

    private static int status(JsonNode result, int fallback) {
        JsonNode status = result.get("statusCode");
        return status != null && status.canConvertToInt() ? status.asInt() : fallback;
    }

    private static List<List<String>> headers(JsonNode result) {
        List<List<String>> headers = new ArrayList<>();
        for (JsonNode header : result.path("headers")) {
            if (header.isArray() && header.size() == 2) {
                headers.add(List.of(header.get(0).asText(), header.get(1).asText()));
            }
        }
        return headers;
    }
}
