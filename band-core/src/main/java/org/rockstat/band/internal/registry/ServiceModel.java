package org.rockstat.band.internal.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.problem.Problems.Where;
import org.rockstat.band.job.Job;
import org.rockstat.band.job.Schedule;
import org.rockstat.band.method.MethodHandler;
import org.rockstat.band.method.MethodSpec;
import org.rockstat.band.method.Role;

/**
 * The registry: everything a service registered, validated and frozen at start-up — methods by
 * wire name, the enricher, the listeners, workers, tasks and cleanups, and Band's own system
 * methods. It knows nothing of wires: the register list, the channels and the HTTP routes are
 * derived from it by their consumers.
 */
public final class ServiceModel {
    private final Map<String, MethodDef> methods;
    private final List<MethodDef> inOrder;
    private final List<MethodDef> listeners;
    private final List<JobDef> workers;
    private final List<JobDef> tasks;
    private final List<JobDef> cleanups;

    private ServiceModel(
            Map<String, MethodDef> methods, List<MethodDef> inOrder, List<MethodDef> listeners, List<JobDef> jobs) {
        this.methods = Map.copyOf(methods);
        this.inOrder = List.copyOf(inOrder);
        this.listeners = List.copyOf(listeners);
        this.workers = jobs.stream().filter(j -> j.kind() == JobDef.Kind.WORKER).toList();
        this.tasks = jobs.stream().filter(j -> j.kind() == JobDef.Kind.TASK).toList();
        this.cleanups =
                jobs.stream().filter(j -> j.kind() == JobDef.Kind.CLEANUP).toList();
    }

    /** A builder that reads placeholders from {@code settings} and reports to {@code problems}. */
    public static Builder builder(Settings settings, Problems problems) {
        return new Builder(settings, problems);
    }

    /** A builder with a problem list of its own. */
    public static Builder builder(Settings settings) {
        return new Builder(settings, new Problems());
    }

    /** A handler, exposed, system method or the enricher ({@code enrich}) by wire name. */
    public Optional<MethodDef> method(String name) {
        return Optional.ofNullable(methods.get(name));
    }

    /**
     * Every method in registration order, listeners included (they share the wire name
     * {@code broadcast}), system methods last.
     */
    public List<MethodDef> inRegistrationOrder() {
        return inOrder;
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

    /** User methods callable by name (handlers, the enricher, exposed methods). */
    public long userMethodCount() {
        return methods.values().stream().filter(m -> !m.system()).count();
    }

    /**
     * Collects registrations from annotated services and plain code, checks them all, and
     * reports every problem at once.
     */
    public static final class Builder {
        private final Settings settings;
        private final Problems problems;
        private final Map<String, MethodDef> methods = new LinkedHashMap<>();
        private final Map<String, String> paths = new LinkedHashMap<>();
        private final List<MethodDef> inOrder = new ArrayList<>();
        private final List<MethodDef> listeners = new ArrayList<>();
        private final List<JobDef> jobs = new ArrayList<>();
        private final Map<Class<?>, Supplier<?>> injected = new LinkedHashMap<>();
        private final java.util.Set<Class<?>> unfit = new java.util.HashSet<>();
        private final List<SystemMethod> system = new ArrayList<>();

        private record SystemMethod(MethodSpec spec, Function<ServiceModel, MethodHandler> handler) {}

        private Builder(Settings settings, Problems problems) {
            this.settings = settings;
            this.problems = problems;
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
         * What a parameter of {@code type} receives, or null: the registered types, and a
         * {@link org.rockstat.band.client.RemoteService} interface, for which a proxy over the
         * injected {@code RpcClient} is made once (the interface's problems reported once).
         */
        Supplier<?> injection(Class<?> type) {
            Supplier<?> supplier = injected.get(type);
            Supplier<?> client = injected.get(org.rockstat.band.client.RpcClient.class);
            if (supplier != null || client == null || !RemoteClients.isRemoteService(type) || !unfit.add(type)) {
                return supplier;
            }
            Supplier<Object> proxy =
                    RemoteClients.injectable(type, () -> (org.rockstat.band.client.RpcClient) client.get(), problems);
            if (proxy != null) {
                unfit.remove(type);
                injected.put(type, proxy);
            }
            return proxy;
        }

        /** The {@code RpcClient} a constructor receives: calls go to the runtime's client once it exists. */
        org.rockstat.band.client.RpcClient deferredClient() {
            Supplier<?> client = injected.get(org.rockstat.band.client.RpcClient.class);
            return client == null
                    ? null
                    : new DeferredRpcClient(() -> (org.rockstat.band.client.RpcClient) client.get());
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
            String source = spec.role() == Role.EXPOSED
                    ? "method '" + spec.name() + "'"
                    : spec.role().wireName() + " '" + spec.name() + "'";
            Where where = Where.of(source);
            if (spec.role() == Role.ENRICHER && spec.keys().isEmpty()) {
                problems.add(
                        "Missing keys",
                        where,
                        "give the routing-key prefixes, e.g. MethodSpec.enricher(List.of(\"in.gen.track\"), props)");
            }
            add(new MethodDef(spec, handler, source), where, "register it under another name");
            return this;
        }

        /**
         * Registers one of Band's own methods ({@code __status}...): its name may start with
         * {@code __}, and its handler is made from the finished model.
         */
        public Builder system(MethodSpec spec, Function<ServiceModel, MethodHandler> handler) {
            system.add(new SystemMethod(spec, handler));
            paths.put(spec.httpPath(), "Band");
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
                listeners.add(def);
                inOrder.add(def);
                return;
            }
            if (spec.role() != Role.ENRICHER
                    && (spec.name().equals(MethodSpec.ENRICH) || spec.name().equals(MethodSpec.BROADCAST))) {
                problems.add(
                        "Reserved method name '" + spec.name() + "'",
                        where,
                        "'" + spec.name() + "' is the wire name of "
                                + (spec.name().equals(MethodSpec.ENRICH)
                                        ? "the enricher; use @Enricher for an enricher, or "
                                        : "the listeners; use @Listener for a listener, or ")
                                + "choose another name");
                return;
            }
            if (spec.name().startsWith("__")) {
                problems.add(
                        "Reserved method name '" + spec.name() + "'",
                        where,
                        "names starting with '__' belong to Band and director; choose another name");
                return;
            }
            if (spec.role() == Role.ENRICHER) {
                nestedKeys(spec.keys(), where);
            }
            MethodDef existing = methods.get(spec.name());
            if (existing != null) {
                if (spec.role() == Role.ENRICHER) {
                    problems.add(
                            "Second enricher",
                            where,
                            existing.source()
                                    + " is already the enricher and front calls one enricher per service; merge them into one method");
                } else {
                    problems.add(
                            "Duplicate method name '" + spec.name() + "'",
                            where,
                            existing.source() + " already uses it; " + renameHint);
                }
                return;
            }
            String path = "*".equals(spec.name()) && spec.path() == null ? null : spec.httpPath();
            if (path != null) {
                if (!path.startsWith("/")) {
                    problems.add("Bad path '" + path + "'", where, "start it with '/', e.g. \"/" + path + "\"");
                    return;
                }
                if (path.startsWith("/__")) {
                    problems.add(
                            "Reserved path '" + path + "'",
                            where,
                            "paths starting with '/__' belong to Band (/__status, /__health/...); choose another path");
                    return;
                }
                if (paths.containsKey(path) || path.equals("/" + MethodSpec.BROADCAST)) {
                    problems.add(
                            "Duplicate HTTP path '" + path + "'",
                            where,
                            paths.getOrDefault(path, "Band")
                                    + " is already served there; give one of them another path");
                    return;
                }
                paths.put(path, def.source());
            }
            methods.put(spec.name(), def);
            inOrder.add(def);
        }

        /**
         * Front files an enricher under each of its keys in a tree of dot segments and, for an
         * event, expects one answer per key on the event key's path (PROTOCOL §7): with nested
         * keys it expects this service twice, one answer never completes the wait, and every
         * such event waits front's full 200 ms.
         */
        private void nestedKeys(List<String> keys, Where where) {
            for (String outer : keys) {
                for (String inner : keys) {
                    if (!outer.equals(inner) && (outer.equals("*") || inner.startsWith(outer + "."))) {
                        problems.add(
                                "Nested keys '" + outer + "' and '" + inner + "' in the enricher",
                                where,
                                "front expects one answer per matching key, so for " + inner + " events it waits"
                                        + " for a second answer that never comes (its full 200 ms, every event);"
                                        + " keep '" + outer + "' alone");
                        return;
                    }
                }
            }
        }

        /**
         * The frozen model.
         *
         * @throws org.rockstat.band.config.ConfigurationException listing every problem found
         *     (including any recorded earlier in the shared problem list)
         */
        public ServiceModel build() {
            problems.throwIfAny();
            ServiceModel user = new ServiceModel(methods, inOrder, listeners, jobs);
            if (system.isEmpty()) {
                return user;
            }
            Map<String, MethodDef> all = new LinkedHashMap<>(methods);
            List<MethodDef> order = new ArrayList<>(inOrder);
            for (SystemMethod s : system) {
                MethodDef def = new MethodDef(
                        s.spec(), s.handler().apply(user), "Band's " + s.spec().name(), true);
                all.put(s.spec().name(), def);
                order.add(def);
            }
            return new ServiceModel(all, order, listeners, jobs);
        }
    }
}
