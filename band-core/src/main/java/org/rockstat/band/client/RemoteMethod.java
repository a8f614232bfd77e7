package org.rockstat.band.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Overrides how one method of a {@link RemoteService} interface is called.
 *
 * <pre>{@code
 * @RemoteMethod(name = "cache_info", timeout = 1000)
 * JsonNode cacheInfo();
 *
 * @RemoteMethod(notification = true)
 * void hit(String page);
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RemoteMethod {
    /** The remote method's wire name; defaults to the Java method name. */
    String name() default "";

    /** How long to wait for the answer, in milliseconds; 0 takes the {@link RemoteService#timeout()}. */
    long timeout() default 0;

    /** Send a notification (no answer is awaited, failures are not reported); the method returns {@code void}. */
    boolean notification() default false;
}
