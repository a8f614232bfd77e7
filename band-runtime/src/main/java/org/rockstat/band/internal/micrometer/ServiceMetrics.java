package org.rockstat.band.internal.micrometer;

import java.util.ArrayList;
import java.util.List;
import org.rockstat.band.internal.config.RuntimeConfig;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.durable.DurableStream;
import org.rockstat.band.internal.metrics.BandMetrics;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.transport.Transport;

/**
 * A running service's metrics: the hooks of {@link BandMetrics}, plus the gauges read from the
 * dispatcher and the transport, the Prometheus scrape and the shutdown. {@link #OFF} when neither
 * Prometheus nor StatsD is configured: then no Micrometer class is ever loaded, and a service may
 * leave Micrometer's jars out.
 *
 * <pre>{@code
 * Problems problems = new Problems();
 * ServiceMetrics.check(config.metrics(), problems);   // with the other start-up problems
 * ServiceMetrics metrics = ServiceMetrics.start(config);
 * metrics.watch(dispatcher, transport);
 * String text = metrics.scrape();                     // GET /__metrics
 * metrics.close();
 * }</pre>
 */
public interface ServiceMetrics extends BandMetrics, AutoCloseable {
    /** Metrics off. */
    ServiceMetrics OFF = new ServiceMetrics() {};

    /** Registers the gauges read from the service's bulkheads and transport. */
    default void watch(Dispatcher dispatcher, Transport transport) {}

    /** Registers the meters of the durable listeners' stream (only a service that has one). */
    default void watch(DurableStream.Stats durable) {}

    /** True when {@link #scrape()} has something to say ({@code metrics.prometheus: true}). */
    default boolean prometheus() {
        return false;
    }

    /** Every meter in the Prometheus text format (0.0.4). */
    default String scrape() {
        throw new IllegalStateException("Prometheus is off");
    }

    /** Sends what StatsD still holds and stops the registries. */
    @Override
    default void close() {}

    /** The registries the configuration asks for whose jars are missing, as start-up problems. */
    static void check(RuntimeConfig.Metrics config, Problems problems) {
        List<String[]> needed = new ArrayList<>();
        if (config.prometheus()) {
            needed.add(new String[] {
                "metrics.prometheus",
                "io.micrometer.prometheusmetrics.PrometheusMeterRegistry",
                "io.micrometer:micrometer-registry-prometheus"
            });
        }
        if (config.statsd()) {
            needed.add(new String[] {
                "metrics.statsd.host",
                "io.micrometer.statsd.StatsdMeterRegistry",
                "io.micrometer:micrometer-registry-statsd"
            });
        }
        for (String[] need : needed) {
            if (!present(need[1])) {
                problems.add(
                        "Metrics are configured but " + need[2] + " is not on the class path",
                        Problems.Where.setting(need[0]),
                        "add the dependency " + need[2] + " (Band's BOM manages its version), or turn the setting off");
            }
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, ServiceMetrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The metrics the configuration asks for; {@link #OFF} when none. Call after {@link #check}. */
    static ServiceMetrics start(RuntimeConfig config) {
        return config.metrics().enabled() ? MicrometerMetrics.start(config) : OFF;
    }
}
