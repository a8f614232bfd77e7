package org.rockstat.band.call;

/**
 * Who is calling: declare a parameter of this type to receive it.
 *
 * <pre>{@code
 * @Expose
 * public String whoami(CallContext ctx) { return ctx.caller(); }
 * }</pre>
 *
 * @param caller    the calling service's name ({@code "front"}, {@code "director"}...), or
 *                  {@code "http"} for a call to the service's own HTTP endpoint
 * @param id        the request id, or {@code null} for a notification (nothing is answered)
 * @param method    the method name as called on the wire ({@code "enrich"}, {@code "*"}...)
 * @param transport {@code "http"}, {@code "redis"} or {@code "memory"}
 */
public record CallContext(String caller, String id, String method, String transport) {

    /** True when the caller waits for an answer. */
    public boolean expectsReply() {
        return id != null;
    }
}
