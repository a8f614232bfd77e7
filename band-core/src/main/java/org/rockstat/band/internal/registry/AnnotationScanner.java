package org.rockstat.band.internal.registry;

import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.rockstat.band.annotation.Cleanup;
import org.rockstat.band.annotation.Enricher;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Listener;
import org.rockstat.band.annotation.Task;
import org.rockstat.band.annotation.Worker;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.problem.Problems.Where;
import org.rockstat.band.job.Schedule;
import org.rockstat.band.method.MethodSpec;
import org.rockstat.band.method.Role;

/**
 * Reads a service's annotations once, at start-up, into {@link MethodDef}s and {@link JobDef}s,
 * reporting every misuse it finds to {@link Problems} rather than stopping at the first.
 */
final class AnnotationScanner {
    private static final List<Class<? extends Annotation>> ANNOTATIONS = List.of(
            Handler.class, Enricher.class, Listener.class, Expose.class, Worker.class, Task.class, Cleanup.class);

    private final Settings settings;
    private final Problems problems;
    private final ServiceModel.Builder sink;
    private final Placeholders placeholders;

    AnnotationScanner(Settings settings, Problems problems, ServiceModel.Builder sink) {
        this.settings = settings;
        this.problems = problems;
        this.sink = sink;
        this.placeholders = new Placeholders(settings);
    }

    void scan(Object service) {
        boolean staticOnly = service instanceof Class<?>;
        Class<?> type = staticOnly ? (Class<?>) service : service.getClass();
        Object target = staticOnly ? null : service;
        List<Method> annotated = annotatedMethods(type);
        if (staticOnly
                && !annotated.isEmpty()
                && annotated.stream().noneMatch(m -> Modifier.isStatic(m.getModifiers()))) {
            // a class whose annotated methods are all instance methods: Band builds it
            target = construct(type);
            if (target == null) {
                return;
            }
            staticOnly = false;
        }
        if (annotated.isEmpty()) {
            problems.add(
                    "No Band annotations",
                    Where.of("class " + Problems.typeName(type)),
                    "annotate public methods with @Handler, @Enricher, @Listener, @Expose, @Worker, @Task or @Cleanup");
            return;
        }
        for (Method method : annotated) {
            scanMethod(target, staticOnly, method);
        }
    }

    /**
     * The service built by its one public constructor, whose parameters receive what a method
     * parameter would: {@code Settings}, the {@code RpcClient} (calls go out once the service is
     * started), a typed client of a {@code @RemoteService} interface. Null when it cannot be (reported).
     */
    private Object construct(Class<?> type) {
        Where where = Where.of("class " + Problems.typeName(type));
        String instead = "or pass an instance: Band.run(args, new " + Problems.typeName(type) + "(...))";
        Constructor<?>[] constructors = type.getConstructors();
        if (constructors.length != 1) {
            problems.add(
                    constructors.length == 0 ? "No public constructor" : "More than one public constructor",
                    where,
                    "keep one public constructor for Band to call (taking Settings, RpcClient or @RemoteService"
                            + " interfaces), " + instead);
            return null;
        }
        Constructor<?> constructor = constructors[0];
        Parameter[] parameters = constructor.getParameters();
        Object[] args = new Object[parameters.length];
        boolean ok = true;
        for (int i = 0; i < parameters.length; i++) {
            Class<?> wanted = parameters[i].getType();
            Supplier<?> injected =
                    wanted == RpcClient.class || wanted == Settings.class ? null : sink.injection(wanted);
            if (wanted == Settings.class) {
                args[i] = settings;
            } else if (wanted == RpcClient.class && sink.deferredClient() != null) {
                args[i] = sink.deferredClient();
            } else if (injected != null) {
                args[i] = injected.get();
            } else {
                if (!RemoteClients.isRemoteService(wanted)) {
                    problems.add(
                            "Unsupported constructor parameter type " + wanted.getSimpleName(),
                            Where.of("class " + Problems.typeName(type) + " (parameter '" + parameters[i].getName()
                                    + "')"),
                            "a constructor Band calls takes Settings, RpcClient or @RemoteService interfaces; "
                                    + instead);
                }
                ok = false;
            }
        }
        if (!ok) {
            return null;
        }
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            problems.add(
                    "Constructor failed (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")",
                    where,
                    "fix the constructor or the settings it reads");
        } catch (ReflectiveOperationException e) {
            problems.add(
                    "Cannot construct (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
                    where,
                    "make the class public and not abstract, " + instead);
        }
        return null;
    }

    private static List<Method> annotatedMethods(Class<?> type) {
        List<Method> found = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            List<Method> declared = new ArrayList<>(List.of(c.getDeclaredMethods()));
            // reflection order is unspecified; sort so register order and messages are stable
            declared.sort(Comparator.comparing(Method::getName).thenComparingInt(Method::getParameterCount));
            for (Method m : declared) {
                boolean has = ANNOTATIONS.stream().anyMatch(m::isAnnotationPresent);
                // an override is scanned once, from the most derived class
                if (has
                        && !m.isBridge()
                        && !m.isSynthetic()
                        && seen.add(m.getName() + List.of(m.getParameterTypes()))) {
                    found.add(m);
                }
            }
        }
        return found;
    }

    private void scanMethod(Object target, boolean staticOnly, Method method) {
        List<Class<? extends Annotation>> present =
                ANNOTATIONS.stream().filter(method::isAnnotationPresent).toList();
        Where where = Where.method(method);
        String first = "@" + present.get(0).getSimpleName();
        if (present.size() > 1) {
            problems.add(
                    "Both " + first + " and @" + present.get(1).getSimpleName(),
                    where,
                    "keep one; a method has one role (split it into two methods if you need both)");
            return;
        }
        if (!Modifier.isPublic(method.getModifiers())) {
            problems.add(first + " on a non-public method", where, "make the method public");
            return;
        }
        boolean isStatic = Modifier.isStatic(method.getModifiers());
        String owner = Problems.typeName(method.getDeclaringClass());
        if (isStatic && !staticOnly) {
            problems.add(
                    first + " on a static method",
                    where,
                    "make it an instance method, or pass the class itself (Band.run(args, " + owner
                            + ".class)) when all its annotated methods are static");
            return;
        }
        if (!isStatic && staticOnly) {
            problems.add(
                    first + " on an instance method",
                    where,
                    "pass an instance (Band.run(args, new " + owner + "())) or make the method static");
            return;
        }
        Annotation annotation = method.getAnnotation(present.get(0));
        if (annotation instanceof Listener l && l.durable() && l.everyReplica()) {
            problems.add(
                    "Both durable and everyReplica in @Listener",
                    where,
                    "keep one: durable runs each event once from the service's stream, everyReplica on each replica");
            return;
        }
        switch (annotation) {
            case Handler h -> method(target, method, handlerSpec(h, method), "@Handler");
            case Enricher e -> method(target, method, enricherSpec(e, method), "@Enricher");
            case Listener l ->
                method(
                        target,
                        method,
                        MethodSpec.listener()
                                .withKeys(placeholders.list(l.keys(), unknown(method, "@Listener(keys)")))
                                .withEveryReplica(l.everyReplica())
                                .withDurable(l.durable())
                                .withBlocking(l.blocking()),
                        "@Listener");
            case Expose x ->
                method(
                        target,
                        method,
                        MethodSpec.exposed(name(x.name(), method, "@Expose(name)"))
                                .withPath(path(x.path(), method, "@Expose(path)"))
                                .withBlocking(x.blocking()),
                        "@Expose");
            case Worker w -> job(target, method, JobDef.Kind.WORKER, null, "@Worker");
            case Task t -> {
                Schedule schedule = schedule(t, method);
                if (schedule != null) {
                    job(target, method, JobDef.Kind.TASK, schedule, "@Task");
                }
            }
            case Cleanup c -> job(target, method, JobDef.Kind.CLEANUP, null, "@Cleanup");
            default -> throw new IllegalStateException("unexpected " + annotation);
        }
    }

    private MethodSpec handlerSpec(Handler h, Method method) {
        if (h.timeout() < 0) {
            problems.add(
                    "Negative timeout " + h.timeout() + " in @Handler",
                    Where.method(method),
                    "give milliseconds, e.g. timeout = 5000, or leave it out for front's default");
        }
        return MethodSpec.handler(name(h.name(), method, "@Handler(name)"))
                .withPath(path(h.path(), method, "@Handler(path)"))
                .withAlias(blankToNull(placeholders.text(h.alias(), unknown(method, "@Handler(alias)"))))
                .withTimeout(java.time.Duration.ofMillis(Math.max(0, h.timeout())))
                .withBlocking(h.blocking());
    }

    private MethodSpec enricherSpec(Enricher e, Method method) {
        Where where = Where.method(method);
        List<String> keys = placeholders.list(e.keys(), unknown(method, "@Enricher(keys)")).stream()
                .filter(k -> !k.isBlank())
                .toList();
        if (keys.isEmpty() && unresolvedIn(e.keys())) {
            problems.add("Missing keys in @Enricher", where, "add them, e.g. @Enricher(keys = \"in.gen.track\")");
        }
        Map<String, String> props = placeholders.map(
                e.props(),
                unknown(method, "@Enricher(props)"),
                bad -> problems.add(
                        "Bad props entry '" + bad + "' in @Enricher",
                        where,
                        "write it as \"param=dot.path\", e.g. props = \"ua=td.ua\""));
        return MethodSpec.enricher(keys, props)
                .withAlias(blankToNull(placeholders.text(e.alias(), unknown(method, "@Enricher(alias)"))))
                .withBlocking(e.blocking());
    }

    /** True unless every key was an unknown placeholder (already reported). */
    private boolean unresolvedIn(String[] keys) {
        for (String key : keys) {
            if (key.matches("\\$\\{[^}]*}")
                    && !settings.has(key.substring(2, key.length() - 1).trim())) {
                return false;
            }
        }
        return true;
    }

    private Schedule schedule(Task t, Method method) {
        Where where = Where.method(method);
        String every =
                placeholders.text(t.every(), unknown(method, "@Task(every)")).trim();
        String cron =
                placeholders.text(t.cron(), unknown(method, "@Task(cron)")).trim();
        if (every.isEmpty() == cron.isEmpty()) {
            if (every.isEmpty()) {
                problems.add("Missing schedule in @Task", where, "set every = \"30s\" or cron = \"*/5 * * * *\"");
            } else {
                problems.add("Both every and cron in @Task", where, "keep one of them");
            }
            return null;
        }
        try {
            return every.isEmpty() ? Schedule.cron(cron) : Schedule.every(every);
        } catch (IllegalArgumentException e) {
            if (every.isEmpty()) {
                problems.add(
                        "Bad cron expression '" + cron + "' (" + e.getMessage() + ") in @Task(cron)",
                        where,
                        "use five Unix cron fields (minute hour day-of-month month day-of-week), e.g. \"*/5 * * * *\"");
            } else {
                problems.add(
                        "Bad duration '" + every + "' in @Task(every)",
                        where,
                        "use e.g. \"500ms\", \"30s\", \"5m\", \"1h\", \"1d\" or \"PT30S\"");
            }
            return null;
        }
    }

    private void method(Object target, Method method, MethodSpec spec, String annotation) {
        ArgumentBinder[] binders = binders(method, annotation, false);
        if (binders == null) {
            return;
        }
        if (!spec.blocking() && !fitsNonBlocking(method, annotation)) {
            return;
        }
        String fix = "rename one, e.g. " + annotation + "(name = \"" + spec.name() + "2\")";
        if (spec.role() == Role.ENRICHER) {
            fix = "keep one @Enricher per service";
        }
        sink.add(
                new MethodDef(spec, Invoker.handler(target, method, binders), ArgumentBinder.where(method)),
                Where.method(method),
                fix);
    }

    /**
     * A method declared non-blocking runs on the thread that received the call (an HTTP event
     * loop), so it must not take what can only be used by waiting: a typed client with a method
     * that waits for its answer. Each such parameter is reported.
     */
    private boolean fitsNonBlocking(Method method, String annotation) {
        boolean ok = true;
        for (Parameter p : method.getParameters()) {
            if (!RemoteClients.isRemoteService(p.getType())) {
                continue;
            }
            List<String> waiting = RemoteClients.waitingMethods(p.getType());
            if (waiting.isEmpty()) {
                continue;
            }
            String client = p.getType().getSimpleName();
            problems.add(
                    "Typed client " + client + ", whose " + (waiting.size() == 1 ? "method " : "methods ")
                            + String.join(", ", waiting)
                            + (waiting.size() == 1 ? " waits for its answer" : " wait for their answer") + ", in "
                            + annotation + "(blocking = false)",
                    Where.parameter(method, p.getName()),
                    "a non-blocking method runs on the thread that received the call (the HTTP event loop) and"
                            + " must not wait: declare " + client + "." + waiting.get(0)
                            + " to return a CompletionStage and return one from this method, or leave blocking"
                            + " out (a virtual thread of its own, where waiting is fine)");
            ok = false;
        }
        return ok;
    }

    private void job(Object target, Method method, JobDef.Kind kind, Schedule schedule, String annotation) {
        ArgumentBinder[] binders = binders(method, annotation, true);
        if (binders != null) {
            sink.job(new JobDef(
                    kind,
                    method.getName(),
                    ArgumentBinder.where(method),
                    Invoker.job(target, method, binders),
                    schedule));
        }
    }

    /** Binders for every parameter, or null when one cannot be bound (reported). */
    private ArgumentBinder[] binders(Method method, String annotation, boolean settingsOnly) {
        Parameter[] parameters = method.getParameters();
        ArgumentBinder[] binders = new ArgumentBinder[parameters.length];
        boolean ok = true;
        for (int i = 0; i < parameters.length; i++) {
            Parameter p = parameters[i];
            Where where = Where.parameter(method, p.getName());
            if (RemoteClients.isRemoteService(p.getType()) && sink.injection(p.getType()) == null) {
                // an unfit interface is reported once, for its own methods
                ok = false;
                continue;
            }
            if (settingsOnly) {
                if (p.getType() != Settings.class && !sink.injected().containsKey(p.getType())) {
                    problems.add(
                            "Unsupported parameter type " + p.getType().getSimpleName() + " in " + annotation,
                            where,
                            annotation + " methods take no parameters, or Settings"
                                    + (sink.injected().isEmpty()
                                            ? ""
                                            : sink.injected().keySet().stream()
                                                    .map(Class::getSimpleName)
                                                    .sorted()
                                                    .reduce("", (a, b) -> a + ", " + b)));
                    ok = false;
                }
            } else if (!p.isNamePresent() && !ArgumentBinder.isInjected(p.getType(), sink.injected())) {
                problems.add(
                        "Parameter names missing",
                        where,
                        "compile with -parameters (maven-compiler-plugin: <parameters>true</parameters>)");
                ok = false;
            } else if (!ArgumentBinder.isInjected(p.getType(), sink.injected())
                    && !BindableTypes.isBindable(p.getParameterizedType())) {
                problems.add(
                        "Unsupported parameter type "
                                + p.getParameterizedType()
                                        .getTypeName()
                                        .replace("java.lang.", "")
                                        .replace("java.util.", "")
                                        .replace("java.io.", ""),
                        where,
                        "use a JSON type (String, number, boolean, List, Map, record or POJO, JsonNode), "
                                + "Params, Event, CallContext or Settings");
                ok = false;
            }
            if (ok) {
                binders[i] = ArgumentBinder.forParameter(p, settings, sink.injected());
            }
        }
        return ok ? binders : null;
    }

    private String name(String declared, Method method, String attribute) {
        String name = placeholders.text(declared, unknown(method, attribute)).trim();
        return name.isEmpty() ? method.getName() : name;
    }

    private String path(String declared, Method method, String attribute) {
        return blankToNull(
                placeholders.text(declared, unknown(method, attribute)).trim());
    }

    private Consumer<String> unknown(Method method, String attribute) {
        return key -> {
            String fix = Problems.nearest(key, placeholders.knownPaths())
                    .map(near -> "did you mean '${" + near + "}'?")
                    .orElse("add '" + key + "' to config.yaml");
            problems.add("Unknown setting '${" + key + "}' in " + attribute, Where.method(method), fix);
        };
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
