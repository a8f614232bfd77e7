package org.rockstat.band.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One incoming message with its routing resolved (PROTOCOL §2): when {@code method} is a triple
 * {@code to:method:from} those parts win; otherwise {@code method} is the bare name and
 * {@code to}/{@code from} come from the fields of those names.
 *
 * @param jsonrpc   the {@code jsonrpc} field, or {@code null}
 * @param id        the raw id (string or number), or {@code null} for a notification
 * @param method    the bare method name, or {@code null} for a response
 * @param to        the addressee, or {@code null} when unknown
 * @param from      the sender, or {@code null} when unknown
 * @param params    the raw params, or {@code null}
 * @param result    the result of a response ({@code NullNode} for {@code "result": null}), or {@code null}
 * @param error     the error of a response, or {@code null}
 * @param traceparent the caller's W3C trace context ({@link #TRACEPARENT}), or {@code null}
 */
record Envelope(
        String jsonrpc,
        JsonNode id,
        String method,
        String to,
        String from,
        JsonNode params,
        JsonNode result,
        JsonNode error,
        String traceparent) {

    /**
     * The envelope field a Band caller puts its trace in: the W3C {@code traceparent} header's
     * name and value format. Front, the Python band and director ignore fields they do not know
     * (README, "Call ids").
     */
    static final String TRACEPARENT = "traceparent";

    /** Reads the fields of a message object. */
    static Envelope of(ObjectNode node) {
        String rawMethod = text(node.get("method"));
        String to = text(node.get("to"));
        String from = text(node.get("from"));
        String method = rawMethod;
        if (rawMethod != null) {
            String[] parts = rawMethod.split(":", -1);
            if (parts.length == 3) {
                to = parts[0];
                method = parts[1];
                from = parts[2];
            }
        }
        JsonNode id = node.get("id");
        if (id != null && id.isNull()) {
            id = null;
        }
        return new Envelope(
                text(node.get("jsonrpc")),
                id,
                method,
                to,
                from,
                node.get("params"),
                node.get("result"),
                node.get("error"),
                text(node.get(TRACEPARENT)));
    }

    /** True when this answers a request ({@code result} or {@code error} present). */
    boolean isResponse() {
        return result != null || error != null;
    }

    /** The id as text ({@code "17"}, numbers as written), or {@code null}. */
    String idText() {
        return id == null ? null : id.asText();
    }

    private static String text(JsonNode value) {
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }
}
