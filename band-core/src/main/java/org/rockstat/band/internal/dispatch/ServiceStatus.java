package org.rockstat.band.internal.dispatch;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.rpc.Response;

/**
 * The body of {@code __status} (PROTOCOL §4.2), the same over RPC and {@code GET /__status}:
 * director reads the service's methods from its {@code register}.
 */
public final class ServiceStatus {
    private final String name;
    private final ServiceModel model;
    private final Clock clock;
    private final long startedAt;

    /** Status of a service that starts now. */
    public ServiceStatus(String name, ServiceModel model, Clock clock) {
        this.name = name;
        this.model = model;
        this.clock = clock;
        this.startedAt = clock.millis();
    }

    /** Epoch milliseconds of start-up. */
    public long startedAt() {
        return startedAt;
    }

    /** {@code {"type__":"data","statusCode":200,"data":{name, app_started, app_uptime, app_state, register}}}. */
    public Response.Data response() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", name);
        data.put("app_started", startedAt);
        data.put("app_uptime", clock.millis() - startedAt);
        data.put("app_state", "running");
        data.put("register", model.register());
        return Response.data(data);
    }
}
