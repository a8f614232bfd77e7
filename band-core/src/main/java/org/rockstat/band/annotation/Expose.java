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
 *
 * @Expose(blocking = false)   // never blocks: answered on the event loop that received it
 * public long count() { return received.get(); }
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

    /**
     * {@code false} declares that the method never blocks: it runs at once on the thread that
     * received the call (over HTTP the Netty event loop, without the hop to a virtual thread and
     * back), instead of on a virtual thread of its own. Timeouts, the bulkhead, metrics and error
     * answers apply as to any method. It must return within a few milliseconds and never wait: no
     * sleep, blocking I/O or {@code RpcClient.call}; return a {@code CompletionStage} for work that
     * waits. One that runs longer than {@code rpc.nonblocking_warn_ms} twice in a row is logged at
     * WARN, once per method per minute. See {@link org.rockstat.band.method.MethodSpec#withBlocking}.
     */
    boolean blocking() default true;
}
