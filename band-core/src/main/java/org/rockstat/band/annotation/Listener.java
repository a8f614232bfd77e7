package org.rockstat.band.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A listener: receives every event front broadcasts after handling (the {@code broadcast}
 * notification), typically to write it to a database or a stream. Registered with role
 * {@code listener}; the service subscribes to the {@code broadcast} channel. Several listeners
 * in one service all receive each event. Nothing is answered. When the service runs as several
 * replicas, one of them handles each event, unless {@link #everyReplica()} is set.
 *
 * <pre>{@code
 * @Listener
 * public void store(Event event) { writer.write(event); }
 *
 * @Listener(keys = "in.gen.track")   // only events whose key starts with in.gen.track
 * public void tracks(Event event) { ... }
 *
 * @Listener(everyReplica = true)      // each replica of the service, e.g. to drop a local cache
 * public void invalidate(Event event) { cache.clear(); }
 *
 * @Listener(durable = true)           // from the service's Redis Stream: survives a crash (docs/durable.md)
 * public void archive(Event event) { store.insert(event); }
 *
 * @Listener(blocking = false)         // never blocks: counts in memory on the receiving thread
 * public void count(Event event) { counter.increment(); }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Listener {
    /** Routing-key prefixes to accept; empty (the default) accepts every event. */
    String[] keys() default {};

    /** Every replica of the service runs it for each event; by default one replica does. */
    boolean everyReplica() default false;

    /**
     * Nothing this service received is lost: the owning replica appends the event to the service's
     * Redis Stream and a replica runs the listener from there, acknowledging it once it returned,
     * retrying it when it throws (then a dead-letter stream). At least once; not with
     * {@link #everyReplica()}. Needs Redis (on the in-process bus it runs as a plain listener).
     */
    boolean durable() default false;

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
