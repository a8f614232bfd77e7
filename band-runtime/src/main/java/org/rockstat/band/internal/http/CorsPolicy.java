package org.rockstat.band.internal.http;

import java.util.ArrayList;
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

    /** The headers for an answer to a request from {@code origin} ({@code null}: none sent). */
    public List<List<String>> headers(String origin) {
        List<List<String>> out = new ArrayList<>(3);
        allowed(origin, out);
        return out;
    }

    /**
     * The headers of a preflight answer: the origin's, and when it is allowed the allowed methods,
     * the requested headers and the cache time.
     */
    public List<List<String>> preflight(String origin, String requestedHeaders) {
        List<List<String>> out = new ArrayList<>(6);
        if (allowed(origin, out)) {
            out.add(List.of("Access-Control-Allow-Methods", ALLOW_METHODS));
            out.add(List.of(
                    "Access-Control-Allow-Headers",
                    requestedHeaders == null || requestedHeaders.isBlank() ? DEFAULT_ALLOW_HEADERS : requestedHeaders));
            out.add(List.of("Access-Control-Max-Age", MAX_AGE));
        }
        return out;
    }

    private boolean allowed(String origin, List<List<String>> out) {
        if (!listed.isEmpty()) {
            // the answer depends on Origin, so caches must keep one copy per origin
            out.add(List.of("Vary", "Origin"));
        }
        if (origin != null && listed.contains(stripSlash(origin))) {
            out.add(List.of("Access-Control-Allow-Origin", origin));
            out.add(List.of("Access-Control-Allow-Credentials", "true"));
            return true;
        }
        if (anyOrigin) {
            out.add(List.of("Access-Control-Allow-Origin", "*"));
            return true;
        }
        return false;
    }

    private static String stripSlash(String origin) {
        return origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
    }
}
