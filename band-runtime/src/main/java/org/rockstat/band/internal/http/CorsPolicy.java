package org.rockstat.band.internal.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Set;

/**
 * Decides which CORS headers a response carries, so browsers on the allowed origins may call
 * the service: {@code *} lets any origin in without credentials; an origin listed by name is
 * echoed back with credentials allowed; any other origin gets no CORS headers at all.
 */
public final class CorsPolicy {
    /** Methods a preflight allows. */
    static final String ALLOW_METHODS = "GET, POST, OPTIONS";
    /** Headers a preflight allows when the browser asks for none. */
    static final String DEFAULT_ALLOW_HEADERS = "Content-Type, X-Requested-With";
    /** Seconds a browser may cache a preflight. */
    static final String MAX_AGE = "600";

    private final boolean anyOrigin;
    private final Set<String> listed;

    /** A policy over configured origins ({@code "*"} and/or exact origins). */
    public CorsPolicy(List<String> origins) {
        this.anyOrigin = origins.contains("*");
        this.listed = Set.copyOf(origins.stream().filter(o -> !o.equals("*")).toList());
    }

    /**
     * Adds the origin headers for a request from {@code origin} (the {@code Origin} header, or
     * {@code null}).
     *
     * @return true when the origin is allowed
     */
    public boolean apply(String origin, HttpHeaders headers) {
        if (!listed.isEmpty()) {
            // the answer depends on Origin, so caches must keep one copy per origin
            headers.add(HttpHeaderNames.VARY, "Origin");
        }
        if (origin != null && listed.contains(stripSlash(origin))) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            return true;
        }
        if (anyOrigin) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
            return true;
        }
        return false;
    }

    /**
     * Adds the headers of a preflight answer: origin headers, and when the origin is allowed the
     * allowed methods, the requested headers and the cache time.
     */
    public void applyPreflight(String origin, String requestedHeaders, HttpHeaders headers) {
        if (!apply(origin, headers)) {
            return;
        }
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS);
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
                requestedHeaders == null || requestedHeaders.isBlank() ? DEFAULT_ALLOW_HEADERS : requestedHeaders);
        headers.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE);
    }

    private static String stripSlash(String origin) {
        return origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
    }
}
