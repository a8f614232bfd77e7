package org.rockstat.band.internal.method;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.problem.Problems.Where;
import org.rockstat.band.lifecycle.Job;
import org.rockstat.band.lifecycle.Schedule;
import org.rockstat.band.rpc.MethodHandler;
import org.rockstat.band.rpc.MethodSpec;
import org.rockstat.band.rpc.Role;

/**
 * Everything a service registered, validated and frozen at start-up: methods by wire name, the
 * enricher, the listeners, workers, tasks and cleanups. Transports and the HTTP server read it;
 * nothing changes it after {@link Builder#build()}.
 */
public final class ServiceModel {
    /** The built-in status method. */
    public static final String STATUS = "__status";

    private final Map<String, MethodDef> methods;
    private final List<MethodDef> listeners;
    private final List<Object> registerOrder;
    private final List<JobDef> workers;
    private final List<JobDef> tasks;
    private final List<JobDef> cleanups;

    private ServiceModel(Builder b) {
        this.methods = Map.copyOf(b.methods);
        this.listeners = List.copyOf(b.listeners);
        this.registerOrder = List.copyOf(b.registerOrder);
        this.workers = List.copyOf(b.jobs(JobDef.Kind.WORKER));
        this.tasks = List.copyOf(b.jobs(JobDef.Kind.TASK));
        this.cleanups = List.copyOf(b.jobs(JobDef.Kind.CLEANUP));
    }

    /** A builder that reads placeholders from {@code settings}. */
    public static Builder builder(Settings settings) {
        return new Builder(settings);
    }

    /** A handler, exposed method or the enricher ({@code enrich}) by wire name. */
    public Optional<MethodDef> method(String name) {
        return Optional.ofNullable(methods.get(name));
    }

    /** Every method callable by name (listeners excluded: they are reached by {@code broadcast}). */
    public Collection<MethodDef> methods() {
        return registerOrder.stream().filter(MethodDef.class::isInstance).map(MethodDef.class::cast).toList();
    }

    /** The enricher, if the service has one. */
    public Optional<MethodDef> enricher() {
        return method(MethodSpec.ENRICH).filter(m -> m.spec().role() == Role.ENRICHER);
    }

    /** The listeners, in registration order. */
    public List<MethodDef> listeners() {
        return listeners;
    }

    /** Workers, in registration order. */
    public List<JobDef> workers() {
        return workers;
    }

    /** Periodic tasks, in registration order. */
    public List<JobDef> tasks() {
        return tasks;
    }

    /** Cleanups, in registration order. */
    public List<JobDef> cleanups() {
        return cleanups;
    }

    /**
     * The {@code register} list of {@code __status} (PROTOCOL §4.2): every handler, the enricher
     * and one {@code broadcast} entry for the listeners, each {@code {method, role, options}} with
     * only the options that are set, in registration order.
     */
    public List<Map<String, Object>> register() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object entry : registerOrder) {
            if (entry instanceof MethodDef def) {
                if (def.spec().role() != Role.EXPOSED && !def.name().startsWith("__")) {
                    out.add(entry(def.spec(), def.spec().keys()));
                }
            } else if (!listeners.isEmpty()) {
                // one entry for all listeners: front sends a single broadcast per event anyway
                boolean allFiltered = listeners.stream().noneMatch(l -> l.spec().keys().isEmpty());
                Set<String> keys = new LinkedHashSet<>();
                if (allFiltered) {
                    listeners.forEach(l -> keys.addAll(l.spec().keys()));
                }
                out.add(entry(MethodSpec.listener(), List.copyOf(keys)));
            }
        }
        return out;
    }

    private static Map<String, Object> entry(MethodSpec spec, List<String> keys) {
        Map<String, Object> options = new LinkedHashMap<>();
        if (!keys.isEmpty()) {
            options.put("keys", keys);
        }
        if (!spec.props().isEmpty()) {
            options.put("props", new LinkedHashMap<>(spec.props()));
        }
        if (spec.alias() != null && !spec.alias().isEmpty()) {
            options.put("alias", spec.alias());
        }
        if (spec.timeoutMillis() > 0) {
            options.put("timeout", spec.timeoutMillis());
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("method", spec.name());
        entry.put("role", spec.role().wireName());
        entry.put("options", options);
        return entry;
    }

    /**
     * The pub/sub channels to subscribe: the service name always, {@code enrich} with an enricher
     * (or {@code listen_enrich}), {@code broadcast} with listeners (or {@code listen_all}).
     */
    public Set<String> channels(Settings settings) {
        Set<String> channels = new LinkedHashSet<>();
        channels.add(settings.name());
        if (enricher().isPresent() || settings.rpcFlag("listen_enrich")) {
            channels.add(MethodSpec.ENRICH);
        }
        if (!listeners.isEmpty() || settings.rpcFlag("listen_all")) {
            channels.add(MethodSpec.BROADCAST);
        }
        return channels;
    }

    /** What the service's own HTTP endpoint serves, besides {@code /__status}. */
    public List<HttpRoute> httpRoutes() {
        List<HttpRoute> routes = new ArrayList<>();
        for (Object entry : registerOrder) {
            if (entry instanceof MethodDef def) {
                boolean wildcard = "*".equals(def.name()) && def.spec().path() == null;
                routes.add(new HttpRoute(wildcard ? "/*" : def.spec().httpPath(), def.name(), wildcard));
            } else {
                routes.add(new HttpRoute("/" + MethodSpec.BROADCAST, MethodSpec.BROADCAST, false));
            }
        }
        routes.add(new HttpRoute("/" + STATUS, STATUS, false));
        return routes;
    }

    /**
     * Collects registrations from annotated services and plain code, checks them all, and
     * reports every problem at once.
     */
    public static final class Builder {
        private static final Object LISTENERS = new Object();
        private final Settings settings;
        private final Problems problems = new Problems();
        private final Map<String, MethodDef> methods = new LinkedHashMap<>();
        private final Map<String, String> paths = new LinkedHashMap<>();
        private final List<MethodDef> listeners = new ArrayList<>();
        private final List<Object> registerOrder = new ArrayList<>();
        private final List<JobDef> jobs = new ArrayList<>();
        private final Map<Class<?>, Supplier<?>> injected = new LinkedHashMap<>();

        private Builder(Settings settings) {
            this.settings = settings;
        }

        /**
         * Makes parameters of {@code type} receive {@code supplier.get()} on each call (the
         * runtime registers its {@code RpcClient} this way). Call before {@link #service(Object)}.
         */
        public <T> Builder inject(Class<T> type, Supplier<? extends T> supplier) {
            injected.put(type, supplier);
            return this;
        }

        Map<Class<?>, Supplier<?>> injected() {
            return injected;
        }

        /**
         * Reads the annotated methods of a service instance (instance methods) or of a
         * {@code Class} (static methods).
         */
        public Builder service(Object service) {
            new AnnotationScanner(settings, problems, this).scan(service);
            return this;
        }

        /** Registers a plain-code method. */
        public Builder method(MethodSpec spec, MethodHandler handler) {
            String source = spec.role() == Role.EXPOSED ? "method '" + spec.name() + "'"
                    : spec.role().wireName() + " '" + spec.name() + "'";
            Where where = Where.of(source);
            if (spec.role() == Role.ENRICHER && spec.keys().isEmpty()) {
                problems.add("Missing keys", where,
                        "give the routing-key prefixes, e.g. MethodSpec.enricher(List.of(\"in.gen.track\"), props)");
            }
            add(new MethodDef(spec, handler, source), where, "register it under another name");
            return this;
        }

        /** Registers a plain-code worker. */
        public Builder worker(String name, Job job) {
            return job(new JobDef(JobDef.Kind.WORKER, name, "'" + name + "'", job, null));
        }

        /** Registers a plain-code periodic task. */
        public Builder task(String name, Schedule schedule, Job job) {
            return job(new JobDef(JobDef.Kind.TASK, name, "'" + name + "'", job, schedule));
        }

        /** Registers a plain-code cleanup. */
        public Builder cleanup(String name, Job job) {
            return job(new JobDef(JobDef.Kind.CLEANUP, name, "'" + name + "'", job, null));
        }

        Builder job(JobDef job) {
            jobs.add(job);
            return this;
        }

        /**
         * Adds a method unless its name or path is taken.
         *
         * @param renameHint how to rename it, phrased for where it came from
         */
        void add(MethodDef def, Where where, String renameHint) {
            MethodSpec spec = def.spec();
            if (spec.role() == Role.LISTENER) {
                if (listeners.isEmpty()) {
                    registerOrder.add(LISTENERS);
                }
                listeners.add(def);
                return;
            }
            if (spec.role() != Role.ENRICHER && (spec.name().equals(MethodSpec.ENRICH) || spec.name().equals(MethodSpec.BROADCAST))) {
                problems.add("Reserved method name '" + spec.name() + "'", where,
                        "'" + spec.name() + "' is the wire name of " + (spec.name().equals(MethodSpec.ENRICH)
                                ? "the enricher; use @Enricher for an enricher, or " : "the listeners; use @Listener for a listener, or ")
                                + "choose another name");
                return;
            }
            if (spec.name().startsWith("__")) {
                problems.add("Reserved method name '" + spec.name() + "'", where,
                        "names starting with '__' belong to Band and director; choose another name");
                return;
            }
            MethodDef existing = methods.get(spec.name());
            if (existing != null) {
                if (spec.role() == Role.ENRICHER) {
                    problems.add("Second enricher", where, existing.source()
                            + " is already the enricher and front calls one enricher per service; merge them into one method");
                } else {
                    problems.add("Duplicate method name '" + spec.name() + "'", where,
                            existing.source() + " already uses it; " + renameHint);
                }
                return;
            }
            String path = "*".equals(spec.name()) && spec.path() == null ? null : spec.httpPath();
            if (path != null) {
                if (!path.startsWith("/")) {
                    problems.add("Bad path '" + path + "'", where, "start it with '/', e.g. \"/" + path + "\"");
                } else if (paths.containsKey(path) || path.equals("/" + STATUS) || path.equals("/" + MethodSpec.BROADCAST)) {
                    problems.add("Duplicate HTTP path '" + path + "'", where,
                            paths.getOrDefault(path, "Band") + " is already served there; give one of them another path");
                    return;
                } else {
                    paths.put(path, def.source());
                }
            }
            methods.put(spec.name(), def);
            registerOrder.add(def);
        }

        Problems problems() {
            return problems;
        }

        private List<JobDef> jobs(JobDef.Kind kind) {
            return jobs.stream().filter(j -> j.kind() == kind).toList();
        }

        /**
         * The frozen model.
         *
         * @throws org.rockstat.band.config.ConfigurationException listing every problem found
         */
        public ServiceModel build() {
            problems.throwIfAny();
            return new ServiceModel(this);
        }
    }
}
