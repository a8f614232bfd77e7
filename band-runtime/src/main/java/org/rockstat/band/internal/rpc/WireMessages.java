package org.rockstat.band.internal.rpc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rockstat.band.internal.json.Json;

/**
 * Builds outgoing messages (PROTOCOL §2). Requests and notifications carry the routing twice: in
 * the {@code to:method:from} triple (as Python reads it) and in {@code to}/{@code from} (as Node
 * reads it). Responses carry {@code jsonrpc}, {@code id}, {@code result} or {@code error},
 * {@code from} and {@code to}, and no {@code method}. A request or notification made while
 * serving a call carries the call's trace in a last field, {@code traceparent}; without one the
 * message is byte for byte what it always was.
 *
 * <p>Every message is written as the UTF-8 bytes that are published ({@link Json#utf8}): the
 * bytes of the text Band used to build and encode, without that text.
 */
public final class WireMessages {
    public static final String VERSION = "2.0";

    private WireMessages() {}

    public static byte[] request(String id, String to, String method, String from, ObjectNode params) {
        return request(id, to, method, from, params, null);
    }

    /** A request carrying {@code traceparent} (W3C format) when it is not {@code null}. */
    public static byte[] request(
            String id, String to, String method, String from, ObjectNode params, String traceparent) {
        ObjectNode node = base();
        node.put("id", id);
        route(node, to, method, from, params, traceparent);
        return Json.utf8(node);
    }

    public static byte[] notification(String to, String method, String from, ObjectNode params) {
        return notification(to, method, from, params, null);
    }

    /** A notification carrying {@code traceparent} (W3C format) when it is not {@code null}. */
    public static byte[] notification(String to, String method, String from, ObjectNode params, String traceparent) {
        ObjectNode node = base();
        route(node, to, method, from, params, traceparent);
        return Json.utf8(node);
    }

    /**
     * A result response; {@code result} {@code null} is written as JSON {@code null}, never omitted.
     * The result (a map, a record, a tree…) is serialised straight into the message's bytes: a tree
     * made first would cost a second pass over it and its copy, for every answer, and a text a
     * third (its UTF-8 encoding).
     */
    public static byte[] result(JsonNode id, Object result, String from, String to) {
        return Json.utf8(new Result(VERSION, id, result, from, to));
    }

    /** A result response's fields in the order every Band answer has had them. */
    @JsonPropertyOrder({"jsonrpc", "id", "result", "from", "to"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Result(String jsonrpc, JsonNode id, Object result, String from, String to) {}

    /** An error response: code and message only (never a stack trace). */
    public static byte[] error(JsonNode id, int code, String message, String from, String to) {
        ObjectNode node = base();
        node.set("id", id);
        ObjectNode error = node.putObject("error");
        error.put("code", code);
        error.put("message", message == null ? "" : message);
        node.put("from", from);
        node.put("to", to);
        return Json.utf8(node);
    }

    private static ObjectNode base() {
        ObjectNode node = Json.object();
        node.put("jsonrpc", VERSION);
        return node;
    }

    private static void route(
            ObjectNode node, String to, String method, String from, ObjectNode params, String traceparent) {
        node.put("method", to + ":" + method + ":" + from);
        node.set("params", params == null ? Json.object() : params);
        node.put("to", to);
        node.put("from", from);
        if (traceparent != null) {
            node.put(Envelope.TRACEPARENT, traceparent);
        }
    }
}
