package org.rockstat.band.internal.registry;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.rockstat.band.call.Response;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.client.RemoteMethod;
import org.rockstat.band.client.RemoteService;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.problem.Problems.Where;

/**
 * Typed clients: a {@link RemoteService} interface checked once into a plan (one call per method:
 * wire name, params by name, timeout, how to decode the answer), then a {@link Proxy} that turns
 * each Java call into an {@link RpcClient} call. Decoding goes through the shared Jackson mapper
 * from what {@code RpcClient} returns, so a proxy works over any client.
 *
 * <pre>{@code
 * Geo geo = RemoteClients.proxy(Geo.class, () -> rpc);     // ConfigurationException when Geo is unfit
 * }</pre>
 */
public final class RemoteClients {
    private RemoteClients() {}

    /** How one interface method is called. */
    private record Call(
            String wireName,
            List<String> paramNames,
            Duration timeout,
            boolean notification,
            boolean async,
            Decoder decoder) {}

    /** Turns what the client returned into what the method returns. */
    @FunctionalInterface
    private interface Decoder {
        Object decode(String label, Object value);
    }

    /** An interface's checked calls. */
    private record Plan(Class<?> type, String service, Map<Method, Call> calls) {}

    /** An interface checked: its plan, or the problems that kept it from one. */
    private record Checked(Plan plan, List<String> problems) {}

    /** Each interface is checked once, the first time a proxy of it is asked for. */
    private static final ClassValue<Checked> CHECKED = new ClassValue<>() {
        @Override
        protected Checked computeValue(Class<?> type) {
            Problems problems = new Problems();
            Plan plan = plan(type, problems);
            return new Checked(problems.isEmpty() ? plan : null, problems.list());
        }
    };

    /**
     * A proxy for {@code type} over the client {@code client} supplies at each call.
     *
     * @throws org.rockstat.band.config.ConfigurationException listing every problem of {@code type}
     */
    public static <T> T proxy(Class<T> type, Supplier<? extends RpcClient> client) {
        Checked checked = CHECKED.get(type);
        if (checked.plan() == null) {
            throw new org.rockstat.band.config.ConfigurationException(checked.problems());
        }
        return type.cast(create(checked.plan(), client));
    }

    /** True for the types Band builds a proxy for when a method or constructor asks for one. */
    public static boolean isRemoteService(Class<?> type) {
        return type.isInterface() && type.isAnnotationPresent(RemoteService.class);
    }

    /**
     * The methods of typed client {@code type} that wait for their answer (neither a
     * {@code CompletionStage} nor a notification), sorted by name; empty when it has none, or when
     * it is unfit (its own problems are reported where it is injected).
     */
    static List<String> waitingMethods(Class<?> type) {
        Checked checked = CHECKED.get(type);
        if (checked.plan() == null) {
            return List.of();
        }
        return checked.plan().calls().entrySet().stream()
                .filter(e -> !e.getValue().async() && !e.getValue().notification())
                .map(e -> e.getKey().getName())
                .distinct()
                .sorted()
                .toList();
    }

    /**
     * Checks {@code type} into the shared {@code problems} (start-up, where every problem is
     * reported at once) and returns a supplier of one proxy, or null when it is unfit.
     */
    static Supplier<Object> injectable(Class<?> type, Supplier<? extends RpcClient> client, Problems problems) {
        Checked checked = CHECKED.get(type);
        if (checked.plan() == null) {
            problems.addAll(checked.problems());
            return null;
        }
        Object proxy = create(checked.plan(), client);
        return () -> proxy;
    }

    private static Object create(Plan plan, Supplier<? extends RpcClient> client) {
        InvocationHandler handler = (proxy, method, args) -> {
            Call call = plan.calls().get(method);
            if (call != null) {
                return invoke(plan, call, client.get(), args);
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            return switch (method.getName()) {
                case "toString" ->
                    "typed client " + plan.type().getSimpleName() + " of service '" + plan.service() + "'";
                case "hashCode" -> System.identityHashCode(proxy);
                // a proxy is equal only to itself
                case "equals" -> same(proxy, args[0]);
                default -> throw new UnsupportedOperationException(method.toString());
            };
        };
        return Proxy.newProxyInstance(plan.type().getClassLoader(), new Class<?>[] {plan.type()}, handler);
    }

    @SuppressWarnings("ReferenceEquality") // identity is what equality means for a proxy
    private static boolean same(Object proxy, Object other) {
        return proxy == other;
    }

    private static Object invoke(Plan plan, Call call, RpcClient client, Object[] args) {
        if (client == null) {
            throw new RpcException(
                    RpcException.UNAVAILABLE,
                    "Call " + plan.service() + "." + call.wireName() + " failed: the service is not started yet");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < call.paramNames().size(); i++) {
            Object value = args[i] instanceof Optional<?> optional ? optional.orElse(null) : args[i];
            // a missing value is left out, not sent as null: the callee's default applies
            if (value != null) {
                params.put(call.paramNames().get(i), value);
            }
        }
        String label = plan.service() + "." + call.wireName();
        if (call.notification()) {
            client.notify(plan.service(), call.wireName(), params);
            return null;
        }
        if (call.async()) {
            CompletableFuture<Object> answer = client.request(plan.service(), call.wireName(), params, call.timeout());
            return answer.thenApply(value -> call.decoder().decode(label, value));
        }
        Object value = client.call(plan.service(), call.wireName(), params, call.timeout());
        return call.decoder().decode(label, value);
    }

    // ---------------------------------------------------------------- checking an interface

    private static Plan plan(Class<?> type, Problems problems) {
        Where here = Where.of("interface " + Problems.typeName(type));
        if (!type.isInterface()) {
            problems.add(
                    "Not an interface: " + type.getName(),
                    Where.of("a typed client"),
                    "declare the remote service's methods in an interface annotated @RemoteService(\"<service>\")");
            return null;
        }
        RemoteService remote = type.getAnnotation(RemoteService.class);
        if (remote == null) {
            problems.add(
                    "Missing @RemoteService",
                    here,
                    "annotate it with the service it calls, e.g. @RemoteService(\"mmgeo\")");
            return null;
        }
        if (remote.value().isBlank()) {
            problems.add(
                    "Empty service name in @RemoteService",
                    here,
                    "name the service it calls, e.g. @RemoteService(\"mmgeo\")");
        }
        if (remote.timeout() <= 0) {
            problems.add(
                    "Timeout " + remote.timeout() + " in @RemoteService",
                    here,
                    "give milliseconds above 0, e.g. @RemoteService(value = \"" + remote.value()
                            + "\", timeout = 500)");
        }
        if (type.getTypeParameters().length > 0) {
            problems.add(
                    "Type parameters on a @RemoteService interface",
                    here,
                    "remove them: answers are decoded to the declared types, which must be concrete");
        }
        Map<Method, Call> calls = new HashMap<>();
        List<Method> methods = new java.util.ArrayList<>(List.of(type.getMethods()));
        // reflection order is unspecified; sorted, problems come out the same every time
        methods.sort(java.util.Comparator.comparing(Method::getName).thenComparingInt(Method::getParameterCount));
        for (Method method : methods) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            Call call = call(method, remote, problems);
            if (call != null) {
                calls.put(method, call);
            }
        }
        if (calls.isEmpty() && problems.isEmpty()) {
            problems.add("No methods", here, "declare the remote methods it calls, e.g. Location enrich(String ip);");
        }
        return problems.isEmpty() ? new Plan(type, remote.value(), Map.copyOf(calls)) : null;
    }

    private static Call call(Method method, RemoteService remote, Problems problems) {
        Where where = Where.method(method);
        RemoteMethod options = method.getAnnotation(RemoteMethod.class);
        String wireName = options == null || options.name().isBlank()
                ? method.getName()
                : options.name().trim();
        long millis = options == null || options.timeout() == 0 ? remote.timeout() : options.timeout();
        boolean notification = options != null && options.notification();
        int before = problems.list().size();
        if (options != null && options.timeout() < 0) {
            problems.add(
                    "Timeout " + options.timeout() + " in @RemoteMethod",
                    where,
                    "give milliseconds above 0, or leave it out for the @RemoteService timeout");
        }
        if (method.getTypeParameters().length > 0) {
            problems.add("Type parameters on a remote method", where, "remove them: declare concrete types");
        }
        Parameter[] parameters = method.getParameters();
        String[] names = new String[parameters.length];
        for (int i = 0; i < parameters.length; i++) {
            Parameter p = parameters[i];
            names[i] = p.getName();
            if (!p.isNamePresent()) {
                problems.add(
                        "Parameter names missing",
                        where,
                        "compile with -parameters (maven-compiler-plugin: <parameters>true</parameters>)");
                break;
            }
            if (!BindableTypes.isBindable(p.getParameterizedType())) {
                problems.add(
                        "Unsupported parameter type " + simple(p.getParameterizedType()),
                        Where.parameter(method, p.getName()),
                        "send JSON values: String, numbers, booleans, List, Map, records or POJOs, JsonNode");
            }
        }
        Type returned = method.getGenericReturnType();
        Class<?> raw = method.getReturnType();
        boolean async = raw == CompletionStage.class || raw == CompletableFuture.class;
        if (notification && raw != void.class) {
            problems.add(
                    "A notification returning " + simple(returned),
                    where,
                    "a notification gets no answer: return void, or drop notification = true to wait for the answer");
        }
        Decoder decoder = null;
        if (async) {
            Type inner = returned instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
            decoder = decoder(inner, where, problems);
        } else if (java.util.concurrent.Future.class.isAssignableFrom(raw)
                || CompletionStage.class.isAssignableFrom(raw)) {
            problems.add(
                    "Unsupported return type " + simple(returned),
                    where,
                    "return the value, or CompletionStage<T> / CompletableFuture<T> for an asynchronous call");
        } else {
            decoder = decoder(returned, where, problems);
        }
        if (problems.list().size() > before) {
            return null;
        }
        return new Call(wireName, List.of(names), Duration.ofMillis(millis), notification, async, decoder);
    }

    private static Decoder decoder(Type type, Where where, Problems problems) {
        if (type == void.class || type == Void.class) {
            return (label, value) -> null;
        }
        if (type == Object.class) {
            return (label, value) -> value;
        }
        if (type == Response.class) {
            return (label, value) -> value instanceof Response r ? r : Response.data(value);
        }
        if (containsVariable(type)) {
            problems.add(
                    "Unsupported return type " + simple(type),
                    where,
                    "declare a concrete type: answers are decoded to it");
            return null;
        }
        if (type instanceof ParameterizedType p && p.getRawType() == Optional.class) {
            Decoder inner = decoder(p.getActualTypeArguments()[0], where, problems);
            return inner == null
                    ? null
                    : (label, value) ->
                            value == null ? Optional.empty() : Optional.ofNullable(inner.decode(label, value));
        }
        if (!BindableTypes.isBindable(type)) {
            problems.add(
                    "Unsupported return type " + simple(type),
                    where,
                    "return a JSON type (String, number, boolean, List, Map, record or POJO, JsonNode), Response,"
                            + " Object, void, Optional<T> or CompletionStage<T>");
            return null;
        }
        JavaType target = Json.mapper().constructType(type);
        boolean primitive = target.isPrimitive();
        if (JsonNode.class.isAssignableFrom(target.getRawClass())) {
            return (label, value) -> Json.tree(value);
        }
        return (label, value) -> {
            if (value == null) {
                if (primitive) {
                    throw new RpcException(
                            RpcException.INTERNAL_ERROR,
                            label + " answered null, which is not "
                                    + target.getRawClass().getName());
                }
                return null;
            }
            try {
                return Json.mapper().convertValue(value, target);
            } catch (IllegalArgumentException e) {
                String why = e.getMessage() == null
                        ? ""
                        : e.getMessage().lines().findFirst().orElse("");
                throw new RpcException(
                        RpcException.INTERNAL_ERROR,
                        label + " answered what cannot be read as " + simple(type) + ": " + why,
                        e);
            }
        };
    }

    private static boolean containsVariable(Type type) {
        if (type instanceof TypeVariable<?>) {
            return true;
        }
        if (type instanceof ParameterizedType p) {
            for (Type arg : p.getActualTypeArguments()) {
                if (containsVariable(arg)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String simple(Type type) {
        return type.getTypeName()
                .replace("java.lang.", "")
                .replace("java.util.concurrent.", "")
                .replace("java.util.", "")
                .replace("java.io.", "");
    }
}
