package org.rockstat.band.internal.http;

/**
 * What the endpoint needs of one HTTP request, with no Netty types: tests build these directly.
 *
 * @param method           {@code GET}, {@code POST}...
 * @param uri              path and query, still URL-encoded
 * @param contentType      the {@code Content-Type} header, or {@code null}
 * @param origin           the {@code Origin} header, or {@code null}
 * @param requestedHeaders {@code Access-Control-Request-Headers}, or {@code null}
 * @param body             the body bytes (empty for none)
 * @param traceparent      the W3C {@code traceparent} header, or {@code null}
 */
@SuppressWarnings("ArrayRecordComponent") // one request's bytes in flight: never compared or hashed
public record HttpExchange(
        String method,
        String uri,
        String contentType,
        String origin,
        String requestedHeaders,
        byte[] body,
        String traceparent) {

    /** A request without body or CORS headers, e.g. {@code HttpExchange.of("GET", "/hello?name=x")}. */
    public static HttpExchange of(String method, String uri) {
        return new HttpExchange(method, uri, null, null, null, new byte[0], null);
    }

    /** This request with a {@code traceparent} header. */
    public HttpExchange withTraceparent(String value) {
        return new HttpExchange(method, uri, contentType, origin, requestedHeaders, body, value);
    }
}
