package org.rockstat.band.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A method other services (and the HTTP endpoint) can call by name, but that is not registered
 * with front: the Python {@code @expose()}.
 *
 * <pre>{@code
 * @Expose
 * public Map<String, Object> stats() { return Map.of("received", received.get()); }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Expose {
    /** Method name on the wire; defaults to the Java method name. */
    String name() default "";

    /** HTTP path, e.g. {@code /stats/:kind}; defaults to {@code /<name>}. */
    String path() default "";
}
