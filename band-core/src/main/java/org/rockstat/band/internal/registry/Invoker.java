package org.rockstat.band.internal.registry;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.rockstat.band.call.Call;
import org.rockstat.band.job.Job;
import org.rockstat.band.method.MethodHandler;

/**
 * Turns a reflected method into a prepared {@link MethodHandle} once, at start-up, so a call is
 * argument binding plus one {@code invokeExact}: no reflection on the hot path.
 */
final class Invoker {
    private Invoker() {}

    static MethodHandler handler(Object target, Method method, ArgumentBinder[] binders) {
        MethodHandle handle = prepare(target, method, binders.length);
        if (binders.length == 0) {
            return call -> invoke(handle, new Object[0]);
        }
        return call -> {
            Object[] args = new Object[binders.length];
            for (int i = 0; i < binders.length; i++) {
                args[i] = binders[i].bind(call);
            }
            return invoke(handle, args);
        };
    }

    static Job job(Object target, Method method, ArgumentBinder[] binders) {
        MethodHandler handler = handler(target, method, binders);
        Call none =
                new Call(org.rockstat.band.call.Params.of((com.fasterxml.jackson.databind.node.ObjectNode) null), null);
        return () -> handler.handle(none);
    }

    private static Object invoke(MethodHandle handle, Object[] args) throws Exception {
        try {
            return (Object) handle.invokeExact(args);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle prepare(Object target, Method method, int arity) {
        try {
            // public methods of non-public classes (nested test services...) need this once
            method.setAccessible(true);
            MethodHandle handle = MethodHandles.lookup().unreflect(method);
            if (!Modifier.isStatic(method.getModifiers())) {
                handle = handle.bindTo(target);
            }
            return handle.asSpreader(Object[].class, arity).asType(MethodType.methodType(Object.class, Object[].class));
        } catch (IllegalAccessException | RuntimeException e) {
            throw new IllegalStateException("Cannot access " + ArgumentBinder.where(method) + ": " + e.getMessage(), e);
        }
    }
}
