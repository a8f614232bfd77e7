package org.rockstat.band.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.rockstat.band.call.Response;
import org.rockstat.band.call.ResponseStream;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.internal.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a method's result or failure into status, headers and body exactly as front renders
 * typed results (PROTOCOL §3), so a service answers the same whether called through front or
 * directly. Pure: no Netty types, safe to call off the event loop.
 */
public final class ResponseRenderer {
    /** {@code application/json; charset=utf-8}. */
    public static final String JSON = "application/json; charset=utf-8";
    /** {@code text/plain; charset=utf-8}. */
    public static final String TEXT = "text/plain; charset=utf-8";
    /** The 43-byte 1x1 transparent GIF89a. */
    private static final byte[] PIXEL =
            Base64.getDecoder().decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

    private static final List<List<String>> NO_CACHE = List.of(
            List.of("Cache-Control", "no-cache, no-store, must-revalidate"),
            List.of("Pragma", "no-cache"),
            List.of("Expires", "0"));
    private static final List<List<String>> NO_STORE = List.of(List.of("Cache-Control", "no-store"));
    private static final Logger log = LoggerFactory.getLogger(ResponseRenderer.class);

    private ResponseRenderer() {}

    /**
     * What to send: {@code contentType} is {@code null} for an empty body.
     *
     * @param headers extra headers, each {@code [name, value]}
     * @param stream  a body written while it is sent (then {@code body} is empty), or {@code null}
     */
    @SuppressWarnings("ArrayRecordComponent") // one answer's bytes in flight: never compared or hashed
    public record Rendered(
            int status, String contentType, List<List<String>> headers, byte[] body, ResponseStream stream) {
        /** A whole answer. */
        public Rendered(int status, String contentType, List<List<String>> headers, byte[] body) {
            this(status, contentType, headers, body, null);
        }

        /** A copy with one more header. */
        public Rendered withHeader(String name, String value) {
            List<List<String>> more = new java.util.ArrayList<>(headers);
            more.add(List.of(name, value));
            return withHeaders(more);
        }

        /** A copy with these headers instead. */
        public Rendered withHeaders(List<List<String>> all) {
            return new Rendered(status, contentType, all, body, stream);
        }
    }

    /** The 1x1 GIF a {@link Response.Pixel} answers with (a copy). */
    public static byte[] pixel() {
        return PIXEL.clone();
    }

    /** A result of the dispatcher: a {@link Response}, any other value, or {@code null}. */
    public static Rendered result(Object value) {
        return switch (value) {
            case Response.Data d -> data(d);
            case Response.Pixel p -> new Rendered(p.statusCode(), "image/gif", concat(NO_CACHE, p.headers()), pixel());
            case Response.Redirect r ->
                new Rendered(
                        r.statusCode(),
                        null,
                        concat(List.of(List.of("Location", r.location())), r.headers()),
                        new byte[0]);
            case Response.Error e -> new Rendered(e.statusCode(), JSON, e.headers(), message(e.message()));
            case null -> new Rendered(200, JSON, List.of(), "null".getBytes(StandardCharsets.UTF_8));
            // written while it is sent: the connection layer runs its producer
            case ResponseStream s -> new Rendered(s.statusCode(), s.contentType(), s.headers(), new byte[0], s);
            // front wraps a plain value as data (strings then go out as-is); render it the same way
            default -> data(Response.data(value));
        };
    }

    /** A failure of the dispatcher: an {@link RpcException} mapped to its HTTP status. */
    public static Rendered failure(Throwable error) {
        if (error instanceof RpcException rpc) {
            Rendered rendered = error(status(rpc.code()), rpc.getMessage());
            // a client may come back: soon when overloaded, a little later when the service restarts
            return switch (rpc.code()) {
                case RpcException.OVERLOADED -> rendered.withHeader("Retry-After", "1");
                case RpcException.UNAVAILABLE -> rendered.withHeader("Retry-After", "5");
                default -> rendered;
            };
        }
        log.warn("Unexpected failure type from the dispatcher: {}", error.toString());
        return error(500, "Internal error");
    }

    /** {@code value} as JSON with {@code status}, not cached (Band's own answers: health...). */
    public static Rendered json(int status, Object value) {
        return new Rendered(status, JSON, NO_STORE, Json.bytes(value));
    }

    /** {@code {"message": message}} with {@code status}. */
    public static Rendered error(int status, String message) {
        return new Rendered(status, JSON, List.of(), message(message));
    }

    /** The HTTP status for a JSON-RPC error code. */
    public static int status(int code) {
        return switch (code) {
            case RpcException.INVALID_PARAMS -> 400;
            case RpcException.METHOD_NOT_FOUND -> 404;
            case RpcException.OVERLOADED, RpcException.UNAVAILABLE -> 503;
            case RpcException.TIMEOUT -> 504;
            default -> 500;
        };
    }

    private static Rendered data(Response.Data d) {
        if (d.data() instanceof String text) {
            return new Rendered(
                    d.statusCode(),
                    d.contentType() == null ? TEXT : d.contentType(),
                    d.headers(),
                    text.getBytes(StandardCharsets.UTF_8));
        }
        return new Rendered(
                d.statusCode(), d.contentType() == null ? JSON : d.contentType(), d.headers(), Json.bytes(d.data()));
    }

    private static byte[] message(String message) {
        return Json.bytes(Map.of("message", message == null ? "" : message));
    }

    private static List<List<String>> concat(List<List<String>> first, List<List<String>> second) {
        if (second.isEmpty()) {
            return first;
        }
        List<List<String>> all = new java.util.ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
