package org.rockstat.band.internal;

import java.util.Map;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.call.Event;
import org.rockstat.band.call.Params;
import org.rockstat.band.call.Response;
import org.rockstat.band.call.RpcException;

/**
 * One handler per kind of result and failure, shared by the HTTP and RPC tests (each extends it
 * with what only it needs), so both transports are checked against the same methods.
 */
public class EveryResult {
    /** Params back as a map. */
    @Handler
    public Map<String, Object> echo(Params params) {
        return params.asMap();
    }

    /** Typed data from the front event's fields. */
    @Handler
    public Response event(Event event) {
        return Response.data(Map.of("key", event.key(), "ip", event.td("ip"), "q", event.data("q")));
    }

    /** Typed data with a status, a content type and a header. */
    @Handler
    public Response typed() {
        return Response.data(Map.of("a", 1), 201)
                .contentType("application/vnd.band+json")
                .header("X-Test", "yes");
    }

    /** Typed data that is a string: written as-is. */
    @Handler
    public Response text() {
        return Response.data("hi there");
    }

    /** A plain value. */
    @Handler
    public int plain() {
        return 42;
    }

    /** No result: {@code null}. */
    @Handler
    public void nothing() {}

    /** The tracking pixel with a header. */
    @Handler
    public Response pixel() {
        return Response.pixel().header("X-Pixel", "1");
    }

    /** A redirect. */
    @Handler
    public Response go() {
        return Response.redirect("https://example.com/next?a=1");
    }

    /** A typed error with a status and a header. */
    @Handler
    public Response fail() {
        return Response.error("no such campaign", 404).header("X-Why", "gone");
    }

    /** A failure: an exception that is not an {@link RpcException}. */
    @Handler
    public String boom() {
        throw new IllegalStateException("kaboom");
    }

    /** A deliberate error with a code. */
    @Handler
    public String busy() {
        throw new RpcException(RpcException.OVERLOADED, "try later");
    }
}
