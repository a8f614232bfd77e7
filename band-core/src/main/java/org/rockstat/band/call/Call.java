package org.rockstat.band.call;

import org.rockstat.band.internal.json.Json;

/**
 * One call as a {@link org.rockstat.band.method.MethodHandler} sees it: the params and who is calling.
 *
 * <pre>{@code
 * MethodHandler echo = call -> Response.data(call.params().asMap());
 * MethodHandler key  = call -> call.event().key();
 * }</pre>
 *
 * @param params  every param (for handlers and listeners: the front event's fields)
 * @param context caller, request id, method and transport
 */
public record Call(Params params, CallContext context) {

    /** The params read as a front {@link Event} (handlers and listeners receive one). */
    public Event event() {
        return Json.mapper().convertValue(params.node(), Event.class);
    }
}
