package org.rockstat.band.internal.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the method a request path calls, in a fixed order so a declared path always beats the
 * wildcard: exact paths, then paths with {@code :param} segments (fewest params first), then the
 * catch-all handler for any single-segment path. A trailing slash is ignored; segments are
 * URL-decoded before matching. A path whose first segment starts with {@code __} is Band's
 * ({@link BandRoutes#isReserved}): only an exact path (a system method's, {@code /__status})
 * matches it, so no user template or wildcard ever sees {@code /__metrics}.
 */
public final class HttpRouter {
    private final Map<String, HttpRoute> exact = new HashMap<>();
    private final List<Template> templates = new ArrayList<>();
    private final HttpRoute catchAll;

    /** A match: the route and the values of its path params. */
    public record Match(HttpRoute route, Map<String, String> params) {}

    private record Template(HttpRoute route, List<String> segments, int params) {}

    /** A router over the model's routes. */
    public HttpRouter(List<HttpRoute> routes) {
        HttpRoute wildcard = null;
        for (HttpRoute route : routes) {
            if (route.catchAll()) {
                wildcard = wildcard == null ? route : wildcard;
                continue;
            }
            List<String> segments = split(route.path());
            long params = segments.stream().filter(s -> s.startsWith(":")).count();
            if (params == 0) {
                exact.putIfAbsent("/" + String.join("/", segments), route);
            } else {
                templates.add(new Template(route, segments, (int) params));
            }
        }
        templates.sort(Comparator.comparingInt(Template::params));
        this.catchAll = wildcard;
    }

    /**
     * The route for a raw (still URL-encoded) path without query string.
     *
     * @throws IllegalArgumentException when a segment is not valid URL encoding
     */
    public Optional<Match> match(String rawPath) {
        List<String> segments = split(rawPath).stream().map(HttpRouter::decode).toList();
        HttpRoute route = exact.get("/" + String.join("/", segments));
        if (route != null) {
            return Optional.of(new Match(route, Map.of()));
        }
        if (!segments.isEmpty() && BandRoutes.isReserved(segments.get(0))) {
            // Band's: only its system methods (exact paths) answer here, never a template or the wildcard
            return Optional.empty();
        }
        for (Template template : templates) {
            Map<String, String> params = bind(template.segments(), segments);
            if (params != null) {
                return Optional.of(new Match(template.route(), params));
            }
        }
        if (catchAll != null && segments.size() == 1 && !segments.get(0).isEmpty()) {
            return Optional.of(new Match(catchAll, Map.of("name", segments.get(0))));
        }
        return Optional.empty();
    }

    private static Map<String, String> bind(List<String> template, List<String> segments) {
        if (template.size() != segments.size()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String expected = template.get(i);
            String actual = segments.get(i);
            if (expected.startsWith(":") && expected.length() > 1) {
                if (actual.isEmpty()) {
                    return null;
                }
                params.put(expected.substring(1), actual);
            } else if (!expected.equals(actual)) {
                return null;
            }
        }
        return params;
    }

    /** Segments of a path: no leading slash, one trailing slash dropped, {@code /} has none. */
    private static List<String> split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? List.of() : List.of(p.split("/", -1));
    }

    /** Percent-decoding for a path segment, where {@code +} is a plus, not a space. */
    private static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        return QueryStringDecoder.decodeComponent(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
