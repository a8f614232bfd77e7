package org.rockstat.band.internal.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.problem.Problems.Where;

/**
 * Renders the small Jinja subset the Rockstat services' config files use, so the same files
 * work unchanged: {@code {{ VAR }}}, {@code {{ VAR|default('x') }}} (single or double quotes,
 * or a number) and {@code {# comments #}}. As in Jinja, an unset variable renders empty and
 * {@code default} applies only when the variable is unset, not when it is empty.
 *
 * <p>Anything else ({@code {% %}} statements, other filters, expressions, an unclosed
 * <code>{{</code>) is reported, all of a file's problems at once, with line and column. Rendering
 * never adds or removes line breaks (a multi-line comment leaves its newlines behind), so YAML
 * error positions still match the file.
 */
public final class TemplateRenderer {
    /** The supported forms, as quoted in error messages. */
    public static final String SUPPORTED =
            "{{ VAR }}, {{ VAR|default('text') }}, {{ VAR|default(8080) }} and {# comments #}";

    private static final String NAME = "[A-Za-z_][A-Za-z0-9_]*";
    private static final Pattern EXPRESSION =
            Pattern.compile("(" + NAME + ")(?:\\s*\\|\\s*(" + NAME + ")\\s*(?:\\((.*)\\))?)?");
    private static final Pattern DEFAULT_ARGUMENT =
            Pattern.compile("\\s*(?:'([^'\\\\]*)'|\"([^\"\\\\]*)\"|(-?\\d+(?:\\.\\d+)?))\\s*");
    private static final int SNIPPET_LIMIT = 60;

    private TemplateRenderer() {}

    /**
     * Renders {@code text} (the content of {@code file}) over {@code env}.
     *
     * @throws org.rockstat.band.config.ConfigurationException listing every template problem
     */
    public static String render(String text, Path file, Map<String, String> env) {
        Problems problems = new Problems();
        Optional<String> rendered = render(text, file, env, problems);
        problems.throwIfAny();
        return rendered.orElseThrow();
    }

    /**
     * Renders {@code text}, recording every template problem in {@code problems}; empty when
     * there was any.
     */
    public static Optional<String> render(String text, Path file, Map<String, String> env, Problems problems) {
        int before = problems.list().size();
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int open = nextTag(text, i);
            if (open < 0) {
                out.append(text, i, text.length());
                break;
            }
            out.append(text, i, open);
            char kind = text.charAt(open + 1);
            if (kind == '#') {
                int close = text.indexOf("#}", open + 2);
                if (close < 0) {
                    problems.add(
                            "Unclosed template comment '" + snippet(text, open, lineEnd(text, open)) + "'",
                            where(text, open, file),
                            "close it with '#}'");
                    break;
                }
                text.substring(open, close).chars().filter(c -> c == '\n').forEach(c -> out.append('\n'));
                i = close + 2;
            } else if (kind == '%') {
                int close = text.indexOf("%}", open + 2);
                int end = close >= 0 && close < lineEnd(text, open) ? close + 2 : lineEnd(text, open);
                problems.add(
                        "Unsupported template statement '" + snippet(text, open, end) + "'",
                        where(text, open, file),
                        "statements such as {% if %} and {% for %} are not supported; use only " + SUPPORTED);
                i = end;
            } else {
                int close = text.indexOf("}}", open + 2);
                if (close < 0 || close > lineEnd(text, open)) {
                    problems.add(
                            "Unclosed template expression '" + snippet(text, open, lineEnd(text, open)) + "'",
                            where(text, open, file),
                            "close it with '}}' on the same line");
                    i = open + 2;
                    continue;
                }
                String value = evaluate(text.substring(open + 2, close), env);
                if (value == null) {
                    reportUnsupported(text.substring(open, close + 2), where(text, open, file), problems);
                } else {
                    out.append(value);
                }
                i = close + 2;
            }
        }
        return problems.list().size() == before ? Optional.of(out.toString()) : Optional.empty();
    }

    /** The value of one {@code {{ }}} body, or {@code null} when it is not a supported form. */
    private static String evaluate(String body, Map<String, String> env) {
        Matcher m = EXPRESSION.matcher(body.strip());
        if (!m.matches()) {
            return null;
        }
        String value = env.get(m.group(1));
        if (m.group(2) == null) {
            return value == null ? "" : value;
        }
        if (!m.group(2).equals("default") || m.group(3) == null) {
            return null;
        }
        Matcher argument = DEFAULT_ARGUMENT.matcher(m.group(3));
        if (!argument.matches()) {
            return null;
        }
        if (value != null) {
            return value;
        }
        for (int g = 1; g <= 3; g++) {
            if (argument.group(g) != null) {
                return argument.group(g);
            }
        }
        return "";
    }

    private static void reportUnsupported(String tag, Where where, Problems problems) {
        Matcher m = EXPRESSION.matcher(tag.substring(2, tag.length() - 2).strip());
        String fix = "use only " + SUPPORTED;
        if (m.matches() && m.group(2) != null && !m.group(2).equals("default")) {
            problems.add("Unsupported template filter '" + m.group(2) + "' ('" + shorten(tag) + "')", where, fix);
        } else {
            problems.add("Unsupported template expression '" + shorten(tag) + "'", where, fix);
        }
    }

    private static int nextTag(String text, int from) {
        for (int i = text.indexOf('{', from); i >= 0 && i + 1 < text.length(); i = text.indexOf('{', i + 1)) {
            char next = text.charAt(i + 1);
            if (next == '{' || next == '%' || next == '#') {
                return i;
            }
        }
        return -1;
    }

    private static int lineEnd(String text, int from) {
        int end = text.indexOf('\n', from);
        if (end < 0) {
            return text.length();
        }
        return end > from && text.charAt(end - 1) == '\r' ? end - 1 : end;
    }

    private static String snippet(String text, int from, int to) {
        return shorten(text.substring(from, to).strip());
    }

    private static String shorten(String text) {
        return text.length() <= SNIPPET_LIMIT ? text : text.substring(0, SNIPPET_LIMIT) + "...";
    }

    private static Where where(String text, int offset, Path file) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return Where.file(file, line, offset - lineStart + 1);
    }
}
