package org.rockstat.band.internal.logging;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.rockstat.band.internal.problem.Problems;
import org.slf4j.LoggerFactory;

/**
 * Sets Logback up from the environment, so a service logs sensibly with no logging file of its
 * own: {@code LOG_LEVEL} (trace, debug, info, warn, error; default info), {@code LOG_FORMAT}
 * (text, json, ecs, logstash; {@code JSON_LOGS=true/yes/1} alone means json) and
 * {@code LOG_LEVEL_LIBS} (Netty's, Lettuce's and Reactor's own loggers; default warn, so
 * {@code LOG_LEVEL=debug} debugs Band without their noise). Every line carries the service's
 * name and environment. A {@code logback.xml}, {@code logback-test.xml} or
 * {@code -Dlogback.configurationFile} supplied by the user always wins.
 *
 * <pre>{@code
 * Logging.configure(env, settings.name(), settings.env());   // Band.run does this
 * }</pre>
 */
public final class Logging {
    static final String APPENDER_NAME = "CONSOLE";
    /** Libraries that are noisy at INFO and below: {@code LOG_LEVEL_LIBS} sets their level. */
    static final List<String> CHATTY_LIBRARIES = List.of("io.netty", "io.lettuce", "reactor");
    /**
     * Lettuce's reconnect machinery logs every attempt; Band's transport logs each change of the
     * connection's state once, so these stay quiet unless the libraries are debugged.
     */
    static final List<String> RECONNECT_LOGGERS =
            List.of("io.lettuce.core.protocol.ConnectionWatchdog", "io.lettuce.core.protocol.ReconnectionHandler");

    /** The bad LOG_LEVEL of the last configuration, so configuring twice from one env warns once. */
    private static final AtomicReference<String> warnedLevel = new AtomicReference<>();

    private Logging() {}

    /**
     * Configures logging to stdout from {@code env}, unless the user supplied a Logback
     * configuration or SLF4J is not bound to Logback.
     *
     * @return whether the configuration was applied
     */
    public static boolean configure(Map<String, String> env) {
        return configure(LogSettings.from(env));
    }

    /**
     * Like {@link #configure(Map)}, naming the service and its environment on every line (the
     * loaded settings' {@code name} and {@code env}).
     *
     * @return whether the configuration was applied
     */
    public static boolean configure(Map<String, String> env, String service, String environment) {
        return configure(LogSettings.from(env, service, environment));
    }

    private static boolean configure(LogSettings settings) {
        if (userConfigPresent() || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return false;
        }
        apply(context, settings, null);
        return true;
    }

    /**
     * Adds a start-up problem for each logging variable of {@code env} that cannot be used
     * ({@code LOG_FORMAT}, {@code LOG_LEVEL_LIBS}), e.g. {@code Unknown log format 'xml' in
     * environment variable LOG_FORMAT: use text, json, ecs or logstash ...}.
     */
    public static void check(Map<String, String> env, Problems problems) {
        LogSettings.check(env, problems);
    }

    /**
     * Configures logging from {@code env} to {@code out}, whatever configuration the user
     * supplied; for tests that read what was logged.
     */
    public static void configure(Map<String, String> env, OutputStream out) {
        Objects.requireNonNull(out, "out");
        apply((LoggerContext) LoggerFactory.getILoggerFactory(), LogSettings.from(env), out);
    }

    /** Whether the user configures Logback themselves (a file on the class path or a property). */
    static boolean userConfigPresent() {
        if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null) {
            return true;
        }
        for (ClassLoader loader : new ClassLoader[] {
            Logging.class.getClassLoader(), Thread.currentThread().getContextClassLoader()
        }) {
            if (loader != null
                    && (loader.getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null
                            || loader.getResource(ClassicConstants.AUTOCONFIG_FILE) != null)) {
                return true;
            }
        }
        return false;
    }

    /** Resets {@code context} and applies {@code env}; writes to stdout when {@code out} is null. */
    static void apply(LoggerContext context, LogSettings settings, OutputStream out) {
        context.reset();
        context.putObject(FieldsConverter.IDENTITY, FieldsConverter.identity(settings.service(), settings.env()));

        OutputStreamAppender<ILoggingEvent> appender =
                out == null ? new ConsoleAppender<>() : new OutputStreamAppender<>();
        appender.setName(APPENDER_NAME);
        appender.setContext(context);
        appender.setEncoder(LogEncoders.create(context, settings));
        if (out != null) {
            appender.setOutputStream(out);
        }
        appender.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(settings.level());
        root.addAppender(appender);
        Level libs = settings.libsLevel();
        CHATTY_LIBRARIES.forEach(name -> context.getLogger(name).setLevel(libs));
        Level reconnects = libs.isGreaterOrEqual(Level.INFO) ? Level.ERROR : libs;
        RECONNECT_LOGGERS.forEach(name -> context.getLogger(name).setLevel(reconnects));

        String invalid = settings.invalidLevel();
        String previous = warnedLevel.getAndSet(invalid);
        if (invalid != null && !invalid.equals(previous)) {
            context.getLogger(Logging.class)
                    .warn("LOG_LEVEL '{}' is not one of trace, debug, info, warn, error; using info", invalid);
        }
    }
}
