package org.rockstat.band.examples.uaparser;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * uap-core's {@code regexes.yaml} (the copy bundled in the uap-java jar) applied exactly as the
 * Python {@code ua-parser} package applies it, because that is what the Python uaparser service
 * runs on. uap-java's own {@code Parser} is not used: it reads no device brand or model, and its
 * matchers differ from Python's in details that change answers (which replacements take {@code $N},
 * whether an empty family ends the search, when a fourth version group counts).
 *
 * <pre>{@code
 * UapRegexes.Result r = UapRegexes.bundled().parse("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) ...");
 * r.device().brand();   // "Apple"
 * }</pre>
 *
 * <p>Thread-safe once built.
 */
final class UapRegexes {
    /** Where uap-java keeps the file; uap-java 1.6.1 holds uap-core 0.18.0, as Python ua-parser 0.18.0 does. */
    static final String BUNDLED = "/ua_parser/regexes.yaml";

    private static final Pattern DOLLAR_DIGIT = Pattern.compile("\\$(\\d)");

    /** The browser as ua-parser reports it; versions are strings or {@code null}. */
    record Browser(String family, String major, String minor, String patch) {}

    /** The operating system; a version can be {@code ""} (Python leaves empty OS groups as they are). */
    record Os(String family, String major, String minor, String patch, String patchMinor) {}

    /** The device; brand and model as the matching rule's replacements define them. */
    record Device(String family, String brand, String model) {}

    /** ua-parser's {@code Parse()} result. */
    record Result(Browser browser, Os os, Device device) {}

    private final List<Rule> browserRules;
    private final List<Rule> osRules;
    private final List<Rule> deviceRules;

    private UapRegexes(List<Rule> browserRules, List<Rule> osRules, List<Rule> deviceRules) {
        this.browserRules = browserRules;
        this.osRules = osRules;
        this.deviceRules = deviceRules;
    }

    /** The rules from the uap-java jar on the classpath. */
    static UapRegexes bundled() {
        try (InputStream in = UapRegexes.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLED
                        + " is not on the classpath: the uap-java jar (com.github.ua-parser:uap-java) is missing");
            }
            return load(in);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + BUNDLED + " from the uap-java jar: " + e.getMessage(), e);
        }
    }

    /** Rules from a regexes.yaml stream (the caller closes it). */
    static UapRegexes load(InputStream yaml) {
        LoaderOptions options = new LoaderOptions();
        // the file is ~300 kB; SnakeYAML's default 3 MB cap leaves room, but say so rather than rely on it
        options.setCodePointLimit(16 * 1024 * 1024);
        Object root = new Yaml(new SafeConstructor(options)).load(yaml);
        if (!(root instanceof Map<?, ?> sections)) {
            throw new IllegalStateException("regexes.yaml: expected a mapping of parser sections");
        }
        return new UapRegexes(
                rules(sections, "user_agent_parsers"),
                rules(sections, "os_parsers"),
                rules(sections, "device_parsers"));
    }

    private static List<Rule> rules(Map<?, ?> sections, String name) {
        if (!(sections.get(name) instanceof List<?> items)) {
            throw new IllegalStateException("regexes.yaml: section '" + name + "' is missing");
        }
        List<Rule> out = new ArrayList<>(items.size());
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> map)) {
                throw new IllegalStateException("regexes.yaml: " + name + " holds a non-mapping item: " + item);
            }
            out.add(Rule.of(name, map));
        }
        return List.copyOf(out);
    }

    /** ua-parser's {@code user_agent_parser.Parse(ua)}. */
    Result parse(String ua) {
        return new Result(browser(ua), os(ua), device(ua));
    }

    // _ParseUserAgent: the first rule giving a non-empty family wins; versions come from the last rule tried
    private Browser browser(String ua) {
        String family = null, v1 = null, v2 = null, v3 = null;
        for (Rule rule : browserRules) {
            family = v1 = v2 = v3 = null;
            Matcher m = rule.pattern.matcher(ua);
            if (m.find()) {
                int last = rule.lastIndex(m);
                String replacement = rule.get("family_replacement");
                if (truthy(replacement)) {
                    // Python substitutes only "$1" here and raises when group 1 did not take part. It
                    // also reads the group as a re.sub template; in uap-core 0.18.0 every such group
                    // is a fixed word, so no backslash can reach it.
                    family = replacement.contains("$1") ? replacement.replace("$1", presentGroup(m, 1)) : replacement;
                } else {
                    family = requireGroup(m, 1);
                }
                String v1Replacement = rule.get("v1_replacement");
                if (truthy(v1Replacement)) {
                    v1 = v1Replacement;
                } else if (last >= 2) {
                    v1 = orNull(m.group(2));
                }
                String v2Replacement = rule.get("v2_replacement");
                if (truthy(v2Replacement)) {
                    v2 = v2Replacement;
                } else if (last >= 3) {
                    v2 = orNull(m.group(3));
                }
                if (last >= 4) {
                    v3 = orNull(m.group(4));
                }
            }
            if (truthy(family)) {
                break;
            }
        }
        return new Browser(truthy(family) ? family : "Other", orNull(v1), orNull(v2), orNull(v3));
    }

    private Os os(String ua) {
        String family = null, v1 = null, v2 = null, v3 = null, v4 = null;
        for (Rule rule : osRules) {
            family = v1 = v2 = v3 = v4 = null;
            Matcher m = rule.pattern.matcher(ua);
            if (m.find()) {
                int last = rule.lastIndex(m);
                String replacement = rule.get("os_replacement");
                if (truthy(replacement)) {
                    family = multiReplace(replacement, m);
                } else if (last > 0) {
                    family = m.group(1);
                }
                v1 = osVersion(rule, "os_v1_replacement", m, last, 2);
                v2 = osVersion(rule, "os_v2_replacement", m, last, 3);
                v3 = osVersion(rule, "os_v3_replacement", m, last, 4);
                v4 = osVersion(rule, "os_v4_replacement", m, last, 5);
            }
            if (truthy(family)) {
                break;
            }
        }
        return new Os(truthy(family) ? family : "Other", v1, v2, v3, v4);
    }

    private static String osVersion(Rule rule, String key, Matcher m, int last, int group) {
        String replacement = rule.get(key);
        if (truthy(replacement)) {
            return multiReplace(replacement, m);
        }
        return last >= group ? m.group(group) : null;
    }

    private Device device(String ua) {
        String family = null, brand = null, model = null;
        for (Rule rule : deviceRules) {
            family = brand = model = null;
            Matcher m = rule.pattern.matcher(ua);
            if (m.find()) {
                String replacement = rule.get("device_replacement");
                family = truthy(replacement) ? multiReplace(replacement, m) : requireGroup(m, 1);
                String brandReplacement = rule.get("brand_replacement");
                if (truthy(brandReplacement)) {
                    brand = multiReplace(brandReplacement, m);
                }
                String modelReplacement = rule.get("model_replacement");
                if (truthy(modelReplacement)) {
                    model = multiReplace(modelReplacement, m);
                } else if (m.groupCount() > 0) {
                    model = m.group(1);
                }
            }
            if (truthy(family)) {
                break;
            }
        }
        return new Device(family == null ? "Other" : family, brand, model);
    }

    /**
     * ua-parser's {@code MultiReplace}: every {@code $0..$9} becomes that group ({@code ""} when
     * it did not take part; {@code $0} is the last group, as Python's index -1), then whitespace
     * is stripped and an empty result is {@code null}.
     */
    private static String multiReplace(String template, Matcher m) {
        Matcher d = DOLLAR_DIGIT.matcher(template);
        StringBuilder out = new StringBuilder();
        while (d.find()) {
            int index = d.group(1).charAt(0) - '0' - 1;
            int groups = m.groupCount();
            String value = "";
            if (index < groups) {
                if (index < 0 && groups == 0) {
                    throw new IllegalStateException("$0 in a replacement of a rule without groups");
                }
                String g = m.group(index < 0 ? groups : index + 1);
                value = g == null ? "" : g;
            }
            d.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        d.appendTail(out);
        String stripped = PythonText.strip(out.toString());
        return stripped.isEmpty() ? null : stripped;
    }

    private static String presentGroup(Matcher m, int group) {
        String value = requireGroup(m, group);
        if (value == null) {
            throw new IllegalStateException("rule " + m.pattern() + ": group " + group + " did not take part");
        }
        return value;
    }

    /** Python's {@code match[i]} raises when the rule has no such group. */
    private static String requireGroup(Matcher m, int group) {
        if (m.groupCount() < group) {
            throw new IllegalStateException("rule " + m.pattern() + " has no group " + group);
        }
        return m.group(group);
    }

    private static boolean truthy(String value) {
        return value != null && !value.isEmpty();
    }

    private static String orNull(String value) {
        return truthy(value) ? value : null;
    }

    /** One {@code regex} item with its replacements. */
    private static final class Rule {
        final Pattern pattern;
        final Map<String, String> fields;
        /** For each group 1..n, where its closing parenthesis stands in the regex. */
        final int[] closeAt;

        private Rule(Pattern pattern, Map<String, String> fields, int[] closeAt) {
            this.pattern = pattern;
            this.fields = fields;
            this.closeAt = closeAt;
        }

        static Rule of(String section, Map<?, ?> item) {
            Map<String, String> fields = new java.util.HashMap<>();
            for (Map.Entry<?, ?> e : item.entrySet()) {
                if (!(e.getValue() instanceof String value)) {
                    throw new IllegalStateException(
                            "regexes.yaml: " + section + " item " + item + ": '" + e.getKey() + "' is not a string");
                }
                fields.put(String.valueOf(e.getKey()), value);
            }
            String regex = fields.get("regex");
            if (regex == null) {
                throw new IllegalStateException("regexes.yaml: " + section + " item without 'regex': " + item);
            }
            Pattern pattern = PythonRegex.compile(regex, "i".equals(fields.get("regex_flag")));
            int[] closeAt = closingParens(regex);
            if (closeAt.length != pattern.matcher("").groupCount()) {
                throw new IllegalStateException("regexes.yaml: cannot count the groups of " + regex);
            }
            return new Rule(pattern, Map.copyOf(fields), closeAt);
        }

        String get(String key) {
            return fields.get(key);
        }

        /**
         * Python's {@code match.lastindex}: the group that closed last in the match, or 0. ua-parser
         * reads version groups only up to it, so a version group nested inside an earlier group that
         * closes later does not count. The group that closed last is the matched one ending furthest
         * right, and among those the one whose closing parenthesis comes last in the regex (the
         * outer of nested groups, the later of adjacent empty ones). uap-core has no groups inside
         * look-arounds, where this would not hold.
         */
        int lastIndex(Matcher m) {
            int best = 0;
            for (int g = 1; g <= closeAt.length; g++) {
                if (m.start(g) < 0) {
                    continue;
                }
                if (best == 0
                        || m.end(g) > m.end(best)
                        || (m.end(g) == m.end(best) && closeAt[g - 1] > closeAt[best - 1])) {
                    best = g;
                }
            }
            return best;
        }

        /** Positions of the capturing groups' closing parentheses, by group number. */
        private static int[] closingParens(String regex) {
            List<Integer> opened = new ArrayList<>();
            List<Integer> closes = new ArrayList<>();
            Deque<Integer> stack = new ArrayDeque<>(); // group number, or 0 for a non-capturing group
            boolean inClass = false;
            for (int i = 0; i < regex.length(); i++) {
                char c = regex.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (inClass) {
                    if (c == ']') {
                        inClass = false;
                    }
                } else if (c == '[') {
                    inClass = true;
                    // a ']' right after '[' or '[^' is a literal
                    if (i + 1 < regex.length() && regex.charAt(i + 1) == '^') {
                        i++;
                    }
                    if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') {
                        i++;
                    }
                } else if (c == '(') {
                    boolean capturing = i + 1 >= regex.length()
                            || regex.charAt(i + 1) != '?'
                            || (regex.startsWith("(?<", i)
                                    && !regex.startsWith("(?<=", i)
                                    && !regex.startsWith("(?<!", i))
                            || regex.startsWith("(?P<", i);
                    if (capturing) {
                        opened.add(i);
                        closes.add(-1);
                        stack.push(opened.size());
                    } else {
                        stack.push(0);
                    }
                } else if (c == ')' && !stack.isEmpty()) {
                    int group = stack.pop();
                    if (group > 0) {
                        closes.set(group - 1, i);
                    }
                }
            }
            return closes.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
