package org.rockstat.band.internal.problem;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.rockstat.band.config.ConfigurationException;

/**
 * The one place configuration errors are phrased. Collects every problem found (so the author
 * fixes them all in one go), each as {@code <what> <where>: <fix>}, e.g.
 * {@code Missing keys in @Enricher for method UaService.parse: add them, e.g. @Enricher(keys = "in.gen.track")}.
 */
public final class Problems {
    private final List<String> found = new ArrayList<>();

    /** Records one problem. */
    public void add(String what, Where where, String fix) {
        found.add(what + " " + where.text() + ": " + fix);
    }

    /** Records problems already phrased by another {@code Problems} (a check whose result is kept). */
    public void addAll(java.util.Collection<String> phrased) {
        found.addAll(phrased);
    }

    /** True when nothing was recorded. */
    public boolean isEmpty() {
        return found.isEmpty();
    }

    /** What was recorded so far. */
    public List<String> list() {
        return List.copyOf(found);
    }

    /** Throws a {@link ConfigurationException} with every problem, if there is any. */
    public void throwIfAny() {
        if (!found.isEmpty()) {
            throw new ConfigurationException(found);
        }
    }

    /**
     * Where a problem is, phrased to follow its description: {@code for method A.b},
     * {@code for method A.b (parameter 'x')}, {@code in config.yaml at line 3, column 7}.
     */
    public record Where(String text) {
        /** A service method. */
        public static Where method(Method method) {
            return new Where("for method " + methodName(method));
        }

        /** A method described by text (plain-code registrations: {@code "handler 'ping'"}). */
        public static Where of(String description) {
            return new Where("for " + description);
        }

        /** A parameter of a service method. */
        public static Where parameter(Method method, String parameter) {
            return new Where(method(method).text + " (parameter '" + parameter + "')");
        }

        /** A place in a file; {@code line}/{@code column} are 1-based, 0 when unknown. */
        public static Where file(Path file, int line, int column) {
            String name = file.getFileName() == null
                    ? file.toString()
                    : file.getFileName().toString();
            if (line <= 0) {
                return new Where("in " + name);
            }
            return new Where("in " + name + " at line " + line + (column > 0 ? ", column " + column : ""));
        }

        /**
         * The configuration files: {@code in config.yaml} (where settings live; {@code custom.yml}
         * may override them).
         */
        public static Where configFile() {
            return new Where("in config.yaml");
        }

        /** The process environment (or {@code .env}). */
        public static Where environment() {
            return new Where("in the environment");
        }

        /** An environment variable: {@code in environment variable LOG_FORMAT}. */
        public static Where variable(String name) {
            return new Where("in environment variable " + name);
        }

        /** A setting. */
        public static Where setting(String path) {
            return new Where("for setting '" + path + "'");
        }
    }

    /** {@code Class.method}, for messages; anonymous classes by their binary name ({@code BandTest$1}). */
    public static String methodName(Method method) {
        return typeName(method.getDeclaringClass()) + "." + method.getName();
    }

    /** A class's simple name, or for an anonymous class its binary name without the package. */
    public static String typeName(Class<?> type) {
        String simple = type.getSimpleName();
        return simple.isEmpty() ? type.getName().substring(type.getName().lastIndexOf('.') + 1) : simple;
    }

    /**
     * The candidate closest to {@code input} by edit distance, if close enough to be a likely
     * typo: used for "did you mean" hints.
     */
    public static Optional<String> nearest(String input, Collection<String> candidates) {
        int limit = Math.max(2, input.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(input.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
            if (d <= limit && (d < bestDistance || (d == bestDistance && candidate.compareTo(best) < 0))) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
