package org.rockstat.band.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Which parameter types can be read from JSON params. Jackson would try to build almost any
 * class; this draws the line where a value from the wire makes sense, so a mistake such as a
 * {@code Thread} or {@code InputStream} parameter fails at start-up instead of per call.
 */
final class BindableTypes {
    private BindableTypes() {}

    static boolean isBindable(Type type) {
        if (type instanceof Class<?> c) {
            return isBindableClass(c);
        }
        if (type instanceof ParameterizedType p) {
            if (!(p.getRawType() instanceof Class<?> raw) || !isBindableClass(raw)) {
                return false;
            }
            for (Type arg : p.getActualTypeArguments()) {
                if (!isBindable(arg)) {
                    return false;
                }
            }
            return true;
        }
        if (type instanceof WildcardType w) {
            return w.getUpperBounds().length == 1 && isBindable(w.getUpperBounds()[0]);
        }
        if (type instanceof GenericArrayType a) {
            return isBindable(a.getGenericComponentType());
        }
        return false; // type variables: erased, nothing to convert to
    }

    private static boolean isBindableClass(Class<?> c) {
        if (c.isPrimitive()
                || c == String.class
                || c == Object.class
                || c == Boolean.class
                || c == Character.class
                || Number.class.isAssignableFrom(c)
                || c.isEnum()
                || JsonNode.class.isAssignableFrom(c)
                || c == UUID.class
                || c == Optional.class
                || Temporal.class.isAssignableFrom(c)
                || c == java.time.Duration.class) {
            return true;
        }
        if (c.isArray()) {
            return isBindableClass(c.getComponentType());
        }
        if (Collection.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c)) {
            return true;
        }
        if (c.isRecord()) {
            return true;
        }
        String pkg = c.getPackageName();
        if (pkg.startsWith("java.") || pkg.startsWith("javax.") || pkg.startsWith("jdk.") || pkg.startsWith("sun.")) {
            return false;
        }
        // a POJO Jackson can create: concrete, and not an inner class needing an outer instance
        return !c.isInterface()
                && !Modifier.isAbstract(c.getModifiers())
                && (c.getEnclosingClass() == null || Modifier.isStatic(c.getModifiers()));
    }
}
