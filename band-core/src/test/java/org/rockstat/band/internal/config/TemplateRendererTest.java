package org.rockstat.band.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.config.ConfigurationException;

class TemplateRendererTest {
    private static final Path FILE = Path.of("config.yaml");
    private static final String FIX =
            "use only {{ VAR }}, {{ VAR|default('text') }}, {{ VAR|default(8080) }}" + " and {# comments #}";

    private static String render(String text, Map<String, String> env) {
        return TemplateRenderer.render(text, FILE, env);
    }

    @Test
    void substitutesVariablesWithAndWithoutSpaces() {
        Map<String, String> env = Map.of("ENV", "production", "HOST", "10.0.0.1");
        assertThat(render("env: {{ ENV }}\nhost: {{HOST}}\nboth: {{  ENV  }}-{{HOST}}", env))
                .isEqualTo("env: production\nhost: 10.0.0.1\nboth: production-10.0.0.1");
    }

    @Test
    void unsetVariableRendersEmpty() {
        assertThat(render("env: {{ ENV }}\nlisten: \"{{HOST|default('0.0.0.0')}}:{{PORT}}\"", Map.of()))
                .isEqualTo("env: \nlisten: \"0.0.0.0:\"");
    }

    @Test
    void defaultFormsApplyWhenUnset() {
        String text = "a: {{ A|default('single') }}\n"
                + "b: {{ B | default(\"double\") }}\n"
                + "c: {{C|default(8080)}}\n"
                + "d: '{{ D|default('') }}'\n"
                + "e: {{ E|default(-1.5) }}\n"
                + "f: {{ F | default ( 'spaced' ) }}";
        assertThat(render(text, Map.of())).isEqualTo("a: single\nb: double\nc: 8080\nd: ''\ne: -1.5\nf: spaced");
    }

    @Test
    void defaultIsIgnoredWhenVariableIsSetEvenToEmpty() {
        Map<String, String> env = Map.of("A", "given", "B", "");
        assertThat(render("{{ A|default('x') }}|{{ B|default('x') }}|{{ C|default('x') }}", env))
                .isEqualTo("given||x");
    }

    @Test
    void defaultsMayContainSpecialCharacters() {
        assertThat(render("dsn: \"{{REDIS_DSN|default('redis://redis:6379')}}\"", Map.of()))
                .isEqualTo("dsn: \"redis://redis:6379\"");
        assertThat(render("x: {{ X|default(\"a 'quoted' b\") }}", Map.of())).isEqualTo("x: a 'quoted' b");
    }

    @Test
    void rendersInsideNestedMapsAndLists() {
        String text = "db:\n  pool:\n    size: {{ POOL|default(4) }}\nhosts:\n  - {{ H1 }}\n  - [{{ H2 }}, b]\n";
        assertThat(render(text, Map.of("H1", "one", "H2", "two")))
                .isEqualTo("db:\n  pool:\n    size: 4\nhosts:\n  - one\n  - [two, b]\n");
    }

    @Test
    void commentsAreRemovedKeepingLineBreaks() {
        assertThat(render("a: 1 {# note #}\n{# two\nline\ncomment #}b: {{ B|default(2) }}", Map.of()))
                .isEqualTo("a: 1 \n\n\nb: 2");
    }

    @Test
    void plainBracesAndJsonAreLeftAlone() {
        assertThat(render("a: {b: 1}\nc: '}}'\nd: {x: {y: 2}}", Map.of()))
                .isEqualTo("a: {b: 1}\nc: '}}'\nd: {x: {y: 2}}");
    }

    @Test
    void unknownFilterIsReportedWithPosition() {
        assertThatThrownBy(() -> render("name: x\nenv: {{ ENV|upper }}\n", Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Unsupported template filter 'upper' ('{{ ENV|upper }}') in config.yaml at line 2,"
                        + " column 6: " + FIX);
    }

    @Test
    void expressionsAreReported() {
        assertThatThrownBy(() -> render("a: {{ A ~ B }}", Map.of()))
                .hasMessage("Unsupported template expression '{{ A ~ B }}' in config.yaml at line 1, column 4: " + FIX);
        assertThatThrownBy(() -> render("a: {{ A|default(B) }}", Map.of()))
                .hasMessage("Unsupported template expression '{{ A|default(B) }}' in config.yaml at line 1,"
                        + " column 4: " + FIX);
    }

    @Test
    void statementsAreReported() {
        assertThatThrownBy(() -> render("name: x\n{% if DEBUG %}\ndebug: true\n{% endif %}\n", Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("2 problems:\n"
                        + "  1. Unsupported template statement '{% if DEBUG %}' in config.yaml at line 2, column 1:"
                        + " statements such as {% if %} and {% for %} are not supported; " + FIX + "\n"
                        + "  2. Unsupported template statement '{% endif %}' in config.yaml at line 4, column 1:"
                        + " statements such as {% if %} and {% for %} are not supported; " + FIX);
    }

    @Test
    void unclosedTagsAreReported() {
        assertThatThrownBy(() -> render("a: {{ A\nb: {{ B }}", Map.of()))
                .hasMessage("Unclosed template expression '{{ A' in config.yaml at line 1, column 4:"
                        + " close it with '}}' on the same line");
        assertThatThrownBy(() -> render("a: 1\n  {# open", Map.of()))
                .hasMessage("Unclosed template comment '{# open' in config.yaml at line 2, column 3:"
                        + " close it with '#}'");
    }

    @Test
    void reportsEveryProblemOfAFileAtOnce() {
        String text = "a: {{ A|lower }}\nb: {{ B }}\nc: {{ 1 + 2 }} {{ C\n{% set x = 1 %}";
        ConfigurationException e =
                (ConfigurationException) org.assertj.core.api.Assertions.catchThrowable(() -> render(text, Map.of()));
        assertThat(e.problems())
                .containsExactly(
                        "Unsupported template filter 'lower' ('{{ A|lower }}') in config.yaml at line 1, column 4: "
                                + FIX,
                        "Unsupported template expression '{{ 1 + 2 }}' in config.yaml at line 3, column 4: " + FIX,
                        "Unclosed template expression '{{ C' in config.yaml at line 3, column 16:"
                                + " close it with '}}' on the same line",
                        "Unsupported template statement '{% set x = 1 %}' in config.yaml at line 4, column 1:"
                                + " statements such as {% if %} and {% for %} are not supported; " + FIX);
    }
}
