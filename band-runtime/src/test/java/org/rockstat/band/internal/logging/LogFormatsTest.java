package org.rockstat.band.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rockstat.band.Band;
import org.rockstat.band.config.ConfigurationException;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.trace.CallScope;
import org.rockstat.band.internal.trace.Trace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The four formats, from the same logger configuration a service runs with. */
class LogFormatsTest {
    private static final Trace TRACE =
            Trace.continueFrom(Trace.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));

    /**
     * ECS 8.x field names a line of ours may use (https://www.elastic.co/guide/en/ecs/current/ecs-field-reference.html):
     * the base fields, {@code log.*}, {@code service.*}, {@code process.thread.*}, {@code error.*},
     * {@code event.dataset}, {@code trace.id}, {@code span.id}.
     */
    private static final Set<String> ECS_FIELDS = Set.of(
            "@timestamp",
            "message",
            "ecs.version",
            "log.level",
            "log.logger",
            "service.name",
            "service.environment",
            "event.dataset",
            "process.thread.name",
            "process.thread.id",
            "error.type",
            "error.message",
            "error.stack_trace",
            "trace.id",
            "span.id");

    private final LogLines out = new LogLines();
    private final Logger dispatcher = LoggerFactory.getLogger("org.rockstat.band.internal.dispatch.Dispatcher");

    @AfterEach
    void restoreDefaults() {
        MDC.clear();
        Logging.configure(System.getenv());
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("NAME", "geo", "ENV", "production"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    /** Logs one line inside a call's scope and one failure with a stack trace. */
    private void logACall() {
        CallScope scope = CallScope.open(CallScope.Labels.call("17", "front", "enrich", "page", TRACE));
        try {
            dispatcher.info("enriched {}", "page");
            dispatcher.warn("Method 'enrich' failed", new IllegalStateException("boom"));
        } finally {
            scope.close();
        }
    }

    /** {@code {"a":{"b":1}}} and {@code {"a.b":1}} alike as {@code a.b}: ECS allows both. */
    private static Map<String, JsonNode> flatten(JsonNode node) {
        Map<String, JsonNode> flat = new LinkedHashMap<>();
        flatten("", node, flat);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> flat) {
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(prefix + e.getKey() + ".", e.getValue(), flat));
        } else {
            flat.put(prefix.substring(0, prefix.length() - 1), node);
        }
    }

    @Test
    void ecsLinesUseEcsFieldNamesOnly() throws Exception {
        Logging.configure(env("LOG_FORMAT", "ecs"), out.stream());

        logACall();

        List<JsonNode> lines = out.json();
        assertThat(lines).hasSize(2);
        Map<String, JsonNode> info = flatten(lines.get(0));
        assertThat(OffsetDateTime.parse(info.get("@timestamp").asText())).isNotNull();
        assertThat(info.get("log.level").asText()).isEqualTo("INFO");
        assertThat(info.get("message").asText()).isEqualTo("enriched page");
        assertThat(info.get("ecs.version").asText()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(info.get("service.name").asText()).isEqualTo("geo");
        assertThat(info.get("service.environment").asText()).isEqualTo("production");
        assertThat(info.get("log.logger").asText()).isEqualTo("org.rockstat.band.internal.dispatch.Dispatcher");
        assertThat(info.get("process.thread.name").asText())
                .isEqualTo(Thread.currentThread().getName());
        assertThat(info.get("trace.id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(info.get("span.id").asText()).isEqualTo(TRACE.spanId()).isNotEqualTo("00f067aa0ba902b7");
        assertThat(info.get("call.id").asText()).isEqualTo("17");
        assertThat(info.get("call.from").asText()).isEqualTo("front");
        assertThat(info.get("call.method").asText()).isEqualTo("enrich");
        assertThat(info.get("call.key").asText()).isEqualTo("page");

        Map<String, JsonNode> warn = flatten(lines.get(1));
        assertThat(warn.get("log.level").asText()).isEqualTo("WARN");
        assertThat(warn.get("error.type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(warn.get("error.message").asText()).isEqualTo("boom");
        assertThat(warn.get("error.stack_trace").asText())
                .startsWith("java.lang.IllegalStateException: boom")
                .contains("LogFormatsTest.logACall");

        for (JsonNode line : lines) {
            assertThat(flatten(line).keySet())
                    .as("every field is ECS's, or Band's own under call.*")
                    .allSatisfy(name -> assertThat(ECS_FIELDS.contains(name) || name.startsWith("call."))
                            .as(name)
                            .isTrue());
        }
    }

    @Test
    void logstashLinesUseLogstashFieldNamesAndCarryServiceAndEnv() throws Exception {
        Logging.configure(env("LOG_FORMAT", "logstash"), out.stream());

        logACall();

        JsonNode info = out.json().get(0);
        assertThat(OffsetDateTime.parse(info.get("@timestamp").asText())).isNotNull();
        assertThat(info.get("@version").asText()).isEqualTo("1");
        assertThat(info.get("message").asText()).isEqualTo("enriched page");
        assertThat(info.get("logger_name").asText()).isEqualTo("org.rockstat.band.internal.dispatch.Dispatcher");
        assertThat(info.get("thread_name").asText())
                .isEqualTo(Thread.currentThread().getName());
        assertThat(info.get("level").asText()).isEqualTo("INFO");
        assertThat(info.get("level_value").asInt()).isEqualTo(20000);
        assertThat(info.get("service").asText()).isEqualTo("geo");
        assertThat(info.get("env").asText()).isEqualTo("production");
        assertThat(info.get("trace.id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(info.get("call.id").asText()).isEqualTo("17");
        assertThat(out.json().get(1).get("stack_trace").asText()).startsWith("java.lang.IllegalStateException: boom");
    }

    @Test
    void jsonLogsTrueIsTheJsonFormatAndLogFormatWinsOverIt() throws Exception {
        Logging.configure(env("JSON_LOGS", "1"), out.stream());
        logACall();
        JsonNode json = out.json().get(0);
        assertThat(json.get("time")).isNotNull();
        assertThat(json.get("service").asText()).isEqualTo("geo");
        assertThat(json.get("env").asText()).isEqualTo("production");
        assertThat(json.get("call.method").asText()).isEqualTo("enrich");
        assertThat(out.json().get(1).get("exception").asText()).startsWith("java.lang.IllegalStateException: boom");

        out.reset();
        Logging.configure(env("JSON_LOGS", "1", "LOG_FORMAT", "ECS"), out.stream());
        dispatcher.info("x");
        assertThat(out.json().getFirst().has("ecs.version"))
                .as("director's JSON_LOGS=1 yields to LOG_FORMAT")
                .isTrue();
    }

    @Test
    void textShowsServiceEnvAndTheCallsMdc() {
        Logging.configure(env(), out.stream());

        logACall();
        dispatcher.info("outside a call");

        List<String> lines = out.lines();
        assertThat(lines.get(0))
                .matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} INFO  \\["
                        + Thread.currentThread().getName()
                        + "] o\\.r\\.b\\.i\\.d\\.Dispatcher - enriched page \\| service=geo env=production call\\.id=17"
                        + " call\\.from=front call\\.method=enrich call\\.key=page trace\\.id=4bf92f3577b34da6a3ce929d0e0e4736"
                        + " span\\.id=" + TRACE.spanId());
        assertThat(lines.get(1)).contains(" WARN  ").contains(" - Method 'enrich' failed | service=geo");
        assertThat(lines.get(2)).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(lines.getLast()).endsWith(" - outside a call | service=geo env=production");
    }

    @Test
    void anUnknownFormatIsAStartUpProblemAndLogsTextMeanwhile(@TempDir Path dir) {
        Problems problems = new Problems();
        Logging.check(Map.of("LOG_FORMAT", "xml", "LOG_LEVEL_LIBS", "loud"), problems);
        assertThat(problems.list())
                .containsExactly(
                        "Unknown log format 'xml' in environment variable LOG_FORMAT: use text, json, ecs or logstash"
                                + " (unset: text, or json with JSON_LOGS=true)",
                        "Unknown log level 'loud' in environment variable LOG_LEVEL_LIBS: use trace, debug, info,"
                                + " warn or error (unset: warn, the level Netty and Lettuce are quiet at)");

        Logging.configure(Map.of("LOG_FORMAT", "xml"), out.stream());
        dispatcher.info("readable");
        assertThat(out.lines()).singleElement().asString().endsWith(" - readable");

        assertThatThrownBy(() -> Band.create(
                                dir, Map.of("LOG_FORMAT", "xml"), Map.of("name", "t", "listen", "127.0.0.1:0"))
                        .start())
                .isInstanceOfSatisfying(
                        ConfigurationException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "Unknown log format 'xml' in environment variable LOG_FORMAT: use text, json,"
                                                + " ecs or logstash (unset: text, or json with JSON_LOGS=true)"));
    }
}
