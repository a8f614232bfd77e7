package org.rockstat.band.internal.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Band's own HTTP routes ({@code /__health/live}, {@code /__health/ready}, later
 * {@code /__metrics}), answered by the endpoint itself: never dispatched, never counted against a
 * method's bulkhead, never reached by a user's wildcard or {@code :param} path. Every path whose
 * first segment starts with {@code __} is Band's ({@link #isReserved}); one that is neither here
 * nor a system method ({@code /__status}) is 404. A new route is one {@link Builder#get} line in
 * the assembly.
 *
 * <pre>{@code
 * BandRoutes routes = BandRoutes.builder()
 *         .get("/__health/live", request -> ResponseRenderer.json(200, Map.of("status", "live")))
 *         .build();
 * }</pre>
 */
public final class BandRoutes {
    /** Methods Band's routes answer; anything else is 405. */
    public static final String ALLOW = "GET, HEAD";

    private static final BandRoutes NONE = new BandRoutes(Map.of());

    private final Map<String, Function<HttpExchange, ResponseRenderer.Rendered>> routes;

    private BandRoutes(Map<String, Function<HttpExchange, ResponseRenderer.Rendered>> routes) {
        this.routes = routes;
    }

    /** No routes of Band's own: reserved paths other than system methods are 404. */
    public static BandRoutes none() {
        return NONE;
    }

    /** An empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * True when a path whose first (decoded) segment is {@code segment} is Band's: it starts with
     * {@code __}, the same rule as method names, so {@code /__status} and {@code /__health/ready}
     * are Band's, {@code /a/__b} is not.
     */
    public static boolean isReserved(String segment) {
        return segment.startsWith("__");
    }

    /** The handler of {@code path} (decoded, no query string), if Band serves it. */
    public Optional<Function<HttpExchange, ResponseRenderer.Rendered>> find(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return Optional.ofNullable(routes.get(p));
    }

    /** The paths served, for the start-up log and tests. */
    public Set<String> paths() {
        return routes.keySet();
    }

    /** Collects routes; a path given twice is a bug in Band, refused at once. */
    public static final class Builder {
        private final Map<String, Function<HttpExchange, ResponseRenderer.Rendered>> routes = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Serves {@code path} (reserved: starting with {@code /__}) on GET and HEAD. The handler runs
         * on the connection's event loop: it must answer in microseconds, without blocking.
         */
        public Builder get(String path, Function<HttpExchange, ResponseRenderer.Rendered> handler) {
            if (!path.startsWith("/") || !isReserved(path.substring(1))) {
                throw new IllegalArgumentException("Band's own routes start with /__: " + path);
            }
            if (routes.putIfAbsent(path, handler) != null) {
                throw new IllegalArgumentException("Band route served twice: " + path);
            }
            return this;
        }

        /** The routes, frozen. */
        public BandRoutes build() {
            return new BandRoutes(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(routes)));
        }
    }
}
