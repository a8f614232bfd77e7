package org.rockstat.band.internal.http;

import java.util.ArrayList;
import java.util.List;
import org.rockstat.band.internal.registry.MethodDef;
import org.rockstat.band.internal.registry.ServiceModel;
import org.rockstat.band.method.MethodSpec;
import org.rockstat.band.method.Role;

/**
 * What the service's own HTTP endpoint serves (PROTOCOL §5): every method at {@code /<name>} or
 * its declared path, the listeners together at {@code /broadcast}, the wildcard handler at any
 * single segment, Band's system methods ({@code /__status}) at their names.
 */
public final class HttpRoutes {
    private HttpRoutes() {}

    /** The routes of {@code model}, in registration order. */
    public static List<HttpRoute> of(ServiceModel model) {
        List<HttpRoute> routes = new ArrayList<>();
        boolean broadcast = false;
        for (MethodDef def : model.inRegistrationOrder()) {
            if (def.spec().role() == Role.LISTENER) {
                if (!broadcast) {
                    routes.add(new HttpRoute("/" + MethodSpec.BROADCAST, MethodSpec.BROADCAST, false));
                    broadcast = true;
                }
                continue;
            }
            boolean wildcard = "*".equals(def.name()) && def.spec().path() == null;
            routes.add(new HttpRoute(wildcard ? "/*" : def.spec().httpPath(), def.name(), wildcard));
        }
        return routes;
    }
}
