package org.rockstat.band.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LoggingTest {

    private final LogLines out = new LogLines();
    private final Logger band = LoggerFactory.getLogger("org.rockstat.band.Band");

    @AfterEach
    void restoreDefaults() {
        MDC.clear();
        Logging.configure(System.getenv());
    }

    @Test
    void jsonModeWritesOneObjectPerLineWithFlattenedMdc() throws Exception {
        Logging.configure(Map.of("JSON_LOGS", "true"), out.stream());

        MDC.put("request_id", "r-42");
        band.info("hello {}", "world");
        MDC.remove("request_id");
        band.warn("second");

        List<JsonNode> lines = out.json();
        assertThat(lines).hasSize(2);
        JsonNode first = lines.getFirst();
        assertThat(OffsetDateTime.parse(first.get("time").asText())).isNotNull();
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("logger").asText()).isEqualTo("org.rockstat.band.Band");
        assertThat(first.get("thread").asText())
                .isEqualTo(Thread.currentThread().getName());
        assertThat(first.get("message").asText()).isEqualTo("hello world");
        assertThat(first.get("request_id").asText()).isEqualTo("r-42");
        assertThat(first.has("exception")).isFalse();
        assertThat(lines.get(1).get("level").asText()).isEqualTo("WARN");
        assertThat(lines.get(1).has("request_id")).isFalse();
    }

    @Test
    void jsonFlagAcceptsYesAndOne() throws Exception {
        for (String flag : List.of("YES", "1")) {
            out.reset();
            Logging.configure(Map.of("JSON_LOGS", flag), out.stream());
            band.info("x");
            assertThat(out.json())
                    .singleElement()
                    .satisfies(n -> assertThat(n.get("message").asText()).isEqualTo("x"));
        }
    }

    @Test
    void jsonExceptionStaysOnOneLineInsideTheExceptionField() throws Exception {
        Logging.configure(Map.of("JSON_LOGS", "yes"), out.stream());

        band.error("request failed", new IllegalStateException("boom", new RuntimeException("root cause")));

        assertThat(out.lines()).hasSize(1);
        JsonNode line = out.json().getFirst();
        assertThat(line.get("message").asText()).isEqualTo("request failed");
        assertThat(line.get("exception").asText())
                .startsWith("java.lang.IllegalStateException: boom")
                .contains("\tat org.rockstat.band.internal.logging.LoggingTest")
                .contains("Caused by: java.lang.RuntimeException: root cause");
    }

    @Test
    void readableModeLineFormat() {
        Logging.configure(Map.of(), out.stream());

        band.info("ready on port {}", 8080);

        assertThat(out.lines())
                .singleElement()
                .asString()
                .matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} INFO  \\["
                        + Thread.currentThread().getName() + "] o\\.r\\.b\\.Band - ready on port 8080");
    }

    @Test
    void logLevelWarnSuppressesInfo() {
        Logging.configure(Map.of("LOG_LEVEL", "WARN"), out.stream());

        band.info("hidden");
        band.warn("shown");

        assertThat(out.lines()).singleElement().asString().endsWith(" - shown");
    }

    @Test
    void invalidLogLevelWarnsOnceAndUsesInfo() {
        Map<String, String> env = Map.of("LOG_LEVEL", "chatty");
        Logging.configure(env, out.stream());
        Logging.configure(env, out.stream()); // the runtime configures again once it read .env files

        band.debug("hidden");
        band.info("shown");

        List<String> lines = out.lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.getFirst())
                .contains("WARN ")
                .contains("LOG_LEVEL 'chatty'")
                .contains("using info");
        assertThat(lines.get(1)).endsWith(" - shown");
    }

    @Test
    void chattyLibrariesStayAtWarnUnlessDebugging() {
        Logger netty = LoggerFactory.getLogger("io.netty.channel.DefaultChannelPipeline");
        Logger lettuce = LoggerFactory.getLogger("io.lettuce.core.RedisClient");

        Logging.configure(Map.of("LOG_LEVEL", "info"), out.stream());
        netty.info("netty info");
        lettuce.info("lettuce info");
        netty.warn("netty warn");
        assertThat(out.lines()).singleElement().asString().endsWith(" - netty warn");

        out.reset();
        Logging.configure(Map.of("LOG_LEVEL", "debug", "LOG_LEVEL_LIBS", "debug"), out.stream());
        netty.debug("netty debug");
        lettuce.debug("lettuce debug");
        assertThat(out.lines()).hasSize(2);
    }

    @Test
    void debuggingBandKeepsNettyAndLettuceQuiet() {
        Logger netty = LoggerFactory.getLogger("io.netty.channel.DefaultChannelPipeline");
        Logger lettuce = LoggerFactory.getLogger("io.lettuce.core.protocol.CommandHandler");
        Logger reconnect = LoggerFactory.getLogger("io.lettuce.core.protocol.ConnectionWatchdog");

        Logging.configure(Map.of("LOG_LEVEL", "debug"), out.stream());
        netty.debug("netty debug");
        netty.info("netty info");
        lettuce.debug("lettuce debug");
        reconnect.warn("reconnecting");
        band.debug("band debug");
        netty.warn("netty warn");

        assertThat(out.lines()).hasSize(2);
        assertThat(out.lines().get(0)).endsWith(" - band debug");
        assertThat(out.lines().get(1)).endsWith(" - netty warn");
    }

    @Test
    void anErrorOnlyRootHoldsTheLibrariesAtErrorToo() {
        Logger netty = LoggerFactory.getLogger("io.netty.channel.DefaultChannelPipeline");
        Logging.configure(Map.of("LOG_LEVEL", "error"), out.stream());
        netty.warn("netty warn");
        netty.error("netty error");
        assertThat(out.lines()).singleElement().asString().endsWith(" - netty error");
    }

    @Test
    void userSuppliedConfigurationIsLeftAlone() {
        Logging.configure(Map.of("LOG_LEVEL", "error"), out.stream());
        System.setProperty(ClassicConstants.CONFIG_FILE_PROPERTY, "my-logback.xml");
        try {
            assertThat(Logging.configure(Map.of("LOG_LEVEL", "trace"))).isFalse();
        } finally {
            System.clearProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel())
                .isEqualTo(Level.ERROR);
        assertThat(Logging.configure(Map.of())).isTrue();
    }

    @Test
    void configuratorIsRegisteredAndAppliesDefaults() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
                .contains(BandLogbackConfigurator.class);

        LoggerContext fresh = new LoggerContext();
        BandLogbackConfigurator configurator = new BandLogbackConfigurator();
        configurator.setContext(fresh);

        assertThat(configurator.configure(fresh)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        assertThat(fresh.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(Logging.APPENDER_NAME))
                .isInstanceOf(ConsoleAppender.class);
        assertThat(fresh.getLogger("io.netty").getLevel()).isIn(Level.WARN, null);
        fresh.stop();
    }

    @Test
    void configuratorStepsAsideForUserConfiguration() {
        LoggerContext fresh = new LoggerContext();
        BandLogbackConfigurator configurator = new BandLogbackConfigurator();
        configurator.setContext(fresh);
        System.setProperty(ClassicConstants.CONFIG_FILE_PROPERTY, "my-logback.xml");
        try {
            assertThat(configurator.configure(fresh)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        } finally {
            System.clearProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
        }
        assertThat(fresh.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                        .iteratorForAppenders()
                        .hasNext())
                .isFalse();
        fresh.stop();
    }
}
