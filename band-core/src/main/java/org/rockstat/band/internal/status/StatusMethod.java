package org.rockstat.band.internal.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import org.rockstat.band.call.Call;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.registry.ServiceModel;
import org.rockstat.band.method.MethodHandler;
import org.rockstat.band.method.MethodSpec;

/**
 * Band's {@code __status} method (PROTOCOL §4.2), the same over RPC and {@code GET /__status}:
 * director reads the service's methods from its {@code register}. The answer is the typed
 * {@code data} object itself, written as a tree, so both transports send exactly
 * {@code {"type__":"data","statusCode":200,"data":{name, app_started, app_uptime, app_state, register}}}
 * without knowing this method by name.
 */
public final class StatusMethod implements MethodHandler {
    /** The wire name. */
    public static final String NAME = "__status";
    /** The spec it is registered with. */
    public static final MethodSpec SPEC = MethodSpec.exposed(NAME);

    private final String service;
    private final Clock clock;
    private final long startedAt;
    private final JsonNode register;

    /** The status of {@code service}, started now, listing {@code model}'s register. */
    public StatusMethod(String service, ServiceModel model, Clock clock) {
        this.service = service;
        this.clock = clock;
        this.startedAt = clock.millis();
        // the model is frozen: the register never changes, so it is built once
        this.register = Json.tree(RegisterList.of(model));
    }

    @Override
    public Object handle(Call call) {
        ObjectNode data = Json.object();
        data.put("name", service);
        data.put("app_started", startedAt);
        data.put("app_uptime", clock.millis() - startedAt);
        data.put("app_state", "running");
        data.set("register", register);
        ObjectNode typed = Json.object();
        typed.put("type__", "data");
        typed.put("statusCode", 200);
        typed.set("data", data);
        return typed;
    }
}
