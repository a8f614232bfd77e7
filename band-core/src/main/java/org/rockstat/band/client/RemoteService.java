package org.rockstat.band.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a Java interface as the methods of another service, for a typed client (as Retrofit
 * does for HTTP): each abstract method is a remote method of that name, its parameters are sent
 * as params by name (compile with {@code -parameters}), its result is decoded to the return type
 * with Jackson. Get one with {@link RpcClient#proxy(Class)}, or declare the interface as a
 * parameter of a service method or of the service's constructor and Band passes a proxy, as it
 * passes an {@link RpcClient}.
 *
 * <pre>{@code
 * @RemoteService(value = "mmgeo", timeout = 300)
 * public interface Geo {
 *     record Location(String country, String city) {}
 *
 *     Location enrich(String ip);                          // blocking: mmgeo.enrich {"ip": ...}
 *
 *     @RemoteMethod(name = "cache_info", timeout = 1000)
 *     CompletionStage<JsonNode> cacheInfo();               // asynchronous
 *
 *     @RemoteMethod(notification = true)
 *     void forget(String ip);                              // a notification: nothing is awaited
 * }
 *
 * @Handler
 * public Object where(String ip, Geo geo) {
 *     return geo.enrich(ip).country();
 * }
 * }</pre>
 *
 * <p>The interface is checked once, when the proxy is made (at start-up when injected): every
 * method that cannot be called so is reported at once with where it is and how to fix it. A
 * remote error comes back as a {@link RemoteException} with the remote code and message; a
 * timeout, a service nobody runs or a lost connection as an {@link org.rockstat.band.call.RpcException}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RemoteService {
    /** The remote service's name: the channel its requests go to, e.g. {@code "mmgeo"}. */
    String value();

    /**
     * How long each call waits for its answer, in milliseconds, unless its {@link RemoteMethod}
     * says otherwise; the Python band's own RPC timeout is 2 s.
     */
    long timeout() default 2000;
}
