package org.rockstat.band.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An enricher: for every event whose routing key starts with one of {@link #keys()}, front sends
 * the values named by {@link #props()} and stores the returned object in the event's
 * {@code data} under this service's name. Registered with role {@code enricher}.
 *
 * <p>On the wire an enricher is always called {@code enrich} (and served at {@code /enrich} over
 * HTTP), whatever the Java method is called; front keys enrichers by service, so a service has
 * at most one. Its {@code keys} must not nest ({@code in.gen} and {@code in.gen.track}): front
 * would expect it twice for the inner key and always wait its full 200 ms.
 *
 * <pre>{@code
 * @Enricher(keys = "in.gen.track", props = "ua=td.ua")
 * public Map<String, Object> parse(String ua) { ... }
 *
 * // keys and props from config.yaml (key_prefix: in.gen.track, props: {ip: td.ip})
 * @Enricher(keys = "${key_prefix}", props = "${props}")
 * public Map<String, Object> geo(String ip) { ... }
 *
 * // never blocks (a lookup in memory): runs on the thread that received the call
 * @Enricher(keys = "in.gen.track", props = "ua=td.ua", blocking = false)
 * public Map<String, Object> fast(String ua) { return cache.get(ua); }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Enricher {
    /** Routing-key prefixes this enricher handles, e.g. {@code "in.gen.track"}. Required. */
    String[] keys();

    /**
     * Params front picks from the event, each {@code "param=dot.path"} (e.g. {@code "ua=td.ua"}),
     * or one {@code "${setting}"} placeholder naming a map in the configuration.
     */
    String[] props() default {};

    /**
     * Service name to register the enricher under, when it is not this service's name: front
     * stores the result in {@code data.<alias>} and waits for an answer {@code from} the alias,
     * so Band answers {@code enrich} from it.
     */
    String alias() default "";

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
