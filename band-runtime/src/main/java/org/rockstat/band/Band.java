package org.rockstat.band;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.lifecycle.Job;
import org.rockstat.band.lifecycle.Schedule;
import org.rockstat.band.rpc.MethodHandler;
import org.rockstat.band.rpc.MethodSpec;

/**
 * A Band service: the entry point. (Work in progress: the launcher is completed in the same change.)
 */
public final class Band {
    private final Settings settings;
    private final List<Object> services = new ArrayList<>();

    private Band(Settings settings) {
        this.settings = settings;
    }

    /** Runs the given services until the process is stopped. */
    public static void run(String[] args, Object... services) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Runs services created from the loaded settings until the process is stopped. */
    public static void run(String[] args, ServiceFactory... factories) {
        throw new UnsupportedOperationException("not yet");
    }

    /** A service over already loaded settings (tests). */
    public static Band create(Settings settings) {
        return new Band(Objects.requireNonNull(settings, "settings"));
    }

    /** Adds an annotated service. */
    public Band service(Object service) {
        services.add(service);
        return this;
    }

    /** Adds a plain-code method. */
    public Band method(MethodSpec spec, MethodHandler handler) {
        return this;
    }

    /** Adds a plain-code worker. */
    public Band worker(String name, Job job) {
        return this;
    }

    /** Adds a plain-code task. */
    public Band task(String name, Schedule schedule, Job job) {
        return this;
    }

    /** Adds a plain-code cleanup. */
    public Band cleanup(String name, Job job) {
        return this;
    }

    ServiceModel model() {
        ServiceModel.Builder builder = ServiceModel.builder(settings);
        services.forEach(builder::service);
        return builder.build();
    }
}
