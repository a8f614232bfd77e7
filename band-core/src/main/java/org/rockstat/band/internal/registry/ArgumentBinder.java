package org.rockstat.band.internal.registry;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.util.ClassUtil;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.rockstat.band.call.Call;
import org.rockstat.band.call.CallContext;
import org.rockstat.band.call.Event;
import org.rockstat.band.call.Params;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.json.Json;

/**
 * Produces one method argument from a call. Built once per parameter at start-up (the Jackson
 * reader is prepared then), applied on every call.
 */
@FunctionalInterface
interface ArgumentBinder {

    Object bind(Call call);

    /** What kind of parameter this is, decided once from its declared type. */
    static ArgumentBinder forParameter(Parameter parameter, Settings settings, Map<Class<?>, Supplier<?>> injected) {
        Class<?> raw = parameter.getType();
        Supplier<?> supplier = injected.get(raw);
        if (supplier != null) {
            return call -> supplier.get();
        }
        if (raw == Params.class) {
            return Call::params;
        }
        if (raw == CallContext.class) {
            return Call::context;
        }
        if (raw == Event.class) {
            return Call::event;
        }
        if (raw == Call.class) {
            return call -> call;
        }
        if (raw == Settings.class) {
            return call -> settings;
        }
        if (Map.class.isAssignableFrom(raw)) {
            // the Python **params: every param, converted to the declared map type
            ObjectReader reader =
                    Json.mapper().readerFor(Json.mapper().constructType(parameter.getParameterizedType()));
            return call -> convert(reader, call.params().node(), parameter.getName(), reader.getValueType());
        }
        return byName(parameter);
    }

    /** True for parameter types that are not read from params. */
    static boolean isInjected(Class<?> raw, Map<Class<?>, Supplier<?>> injected) {
        return injected.containsKey(raw)
                || raw == Params.class
                || raw == CallContext.class
                || raw == Event.class
                || raw == Call.class
                || raw == Settings.class
                || Map.class.isAssignableFrom(raw);
    }

    private static ArgumentBinder byName(Parameter parameter) {
        String name = parameter.getName();
        Class<?> raw = parameter.getType();
        if (raw == Optional.class) {
            Type inner = ((ParameterizedType) parameter.getParameterizedType()).getActualTypeArguments()[0];
            ObjectReader reader = Json.mapper().readerFor(Json.mapper().constructType(inner));
            return call -> {
                JsonNode value = call.params().node(name);
                return present(value)
                        ? Optional.ofNullable(convert(reader, value, name, reader.getValueType()))
                        : Optional.empty();
            };
        }
        JavaType type = Json.mapper().constructType(parameter.getParameterizedType());
        ObjectReader reader = Json.mapper().readerFor(type);
        boolean required = raw.isPrimitive() || !isBoxed(raw);
        if (raw == String.class) {
            return call -> {
                JsonNode value = call.params().node(name);
                if (value != null && value.isTextual()) {
                    return value.textValue(); // the common case, without Jackson
                }
                return present(value) ? convert(reader, value, name, type) : missing(name, true);
            };
        }
        return call -> {
            JsonNode value = call.params().node(name);
            return present(value) ? convert(reader, value, name, type) : missing(name, required);
        };
    }

    private static boolean present(JsonNode value) {
        return value != null && !value.isNull() && !value.isMissingNode();
    }

    private static Object missing(String name, boolean required) {
        if (required) {
            throw RpcException.invalidParams("Missing required param '" + name + "'");
        }
        return null;
    }

    private static Object convert(ObjectReader reader, JsonNode value, String name, JavaType type) {
        try {
            return reader.readValue(value);
        } catch (Exception e) {
            String got = value.isTextual() ? "\"" + abbreviate(value.textValue()) + "\"" : abbreviate(value.toString());
            throw RpcException.invalidParams(
                    "Invalid param '" + name + "': expected " + describe(type) + ", got " + got);
        }
    }

    private static String describe(JavaType type) {
        return type.getRawClass().isPrimitive()
                ? type.getRawClass().getName()
                : type.hasGenericTypes()
                        ? type.toCanonical().replace("java.lang.", "").replace("java.util.", "")
                        : type.getRawClass().getSimpleName();
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    /** A wrapper of a primitive ({@code Integer}, {@code Boolean}...): Jackson's own table of them. */
    private static boolean isBoxed(Class<?> type) {
        return !type.isPrimitive() && ClassUtil.primitiveType(type) != null;
    }

    /** For messages: {@code Class.method}. */
    static String where(Method method) {
        return org.rockstat.band.internal.problem.Problems.methodName(method);
    }
}
