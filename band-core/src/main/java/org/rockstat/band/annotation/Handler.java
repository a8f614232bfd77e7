package org.rockstat.band.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A request handler: front routes {@code /<service>/<name>} to it and returns its result to the
 * caller. Registered with director under role {@code handler}. The method receives the front
 * event as params, so parameters bind to event fields ({@code name}, {@code data}, {@code td}...)
 * or take the whole {@link org.rockstat.band.call.Event}.
 *
 * <pre>{@code
 * @Handler
 * public Map<String, Object> main() { return state; }
 *
 * @Handler(name = "*", alias = "test_go")          // catches every name under in.gen.test_go
 * public Map<String, Object> any(String name) { return Map.of("name", name); }
 *
 * @Handler(path = "/hello/:who", timeout = 2000)   // served at GET /hello/ann over HTTP
 * public String hello(String who) { return "Hello, " + who; }
 *
 * @Handler(blocking = false)                      // never blocks: answered on the event loop
 * public Map<String, Object> ping() { return Map.of("ok", true); }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Handler {
    /** Method name on the wire; defaults to the Java method name. {@code "*"} is the wildcard. */
    String name() default "";

    /** HTTP path of the service's own endpoint, e.g. {@code /hello/:name}; defaults to {@code /<name>}. */
    String path() default "";

    /** Service name front publishes this handler under (routing key {@code in.gen.<alias>.<name>}). */
    String alias() default "";

    /**
     * How long front waits for the result, in milliseconds; also the longest the call may run
     * here. {@code 0} (the default) leaves front's own short default in force.
     */
    long timeout() default 0;

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
