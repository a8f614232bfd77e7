package org.rockstat.band.internal.micrometer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus text format (0.0.4) parsed strictly: every line is a {@code # HELP}, a
 * {@code # TYPE} or a sample {@code name{label="value",...} number}; anything else fails the
 * test. No Prometheus library parses text in Java, so this is the test's own, kept small.
 */
record PrometheusScrape(List<Sample> samples, Map<String, String> types) {
    private static final Pattern SAMPLE =
            Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)(?: -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"(,|$)");
    private static final Pattern TYPE =
            Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
    private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*");

    /** One sample line. */
    record Sample(String name, Map<String, String> labels, double value) {}

    static PrometheusScrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher type = TYPE.matcher(line);
            if (type.matches()) {
                types.put(type.group(1), type.group(2));
                continue;
            }
            if (HELP.matcher(line).matches()) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("not a Prometheus text line: " + line);
            }
            samples.add(new Sample(m.group(1), labels(m.group(2), line), number(m.group(3))));
        }
        return new PrometheusScrape(samples, types);
    }

    private static Map<String, String> labels(String text, String line) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return labels;
        }
        Matcher m = LABEL.matcher(text);
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new AssertionError("bad labels in: " + line);
            }
            labels.put(
                    m.group(1),
                    m.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
            at = m.end();
        }
        return labels;
    }

    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    /** The one sample of {@code name} whose labels include {@code labels}. */
    Optional<Sample> find(String name, Map<String, String> labels) {
        List<Sample> found = samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
        if (found.size() > 1) {
            throw new AssertionError("more than one " + name + " with " + labels + ": " + found);
        }
        return found.stream().findFirst();
    }

    /** The value of the one sample of {@code name} with {@code labels}; fails when there is none. */
    double value(String name, Map<String, String> labels) {
        return find(name, labels)
                .orElseThrow(() -> new AssertionError("no " + name + " with " + labels))
                .value();
    }
}
