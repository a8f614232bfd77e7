package org.rockstat.band.internal.status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rockstat.band.internal.registry.MethodDef;
import org.rockstat.band.internal.registry.ServiceModel;
import org.rockstat.band.method.MethodSpec;
import org.rockstat.band.method.Role;

/**
 * The {@code register} list of {@code __status} (PROTOCOL §4.2), what director tells front about
 * the service: every handler, the enricher and one {@code broadcast} entry for all listeners,
 * each {@code {method, role, options}} with only the options that are set (but always an
 * {@code options} object: front reads {@code options.timeout} unguarded), in registration order.
 */
public final class RegisterList {
    private RegisterList() {}

    /** The entries for {@code model}. */
    public static List<Map<String, Object>> of(ServiceModel model) {
        List<Map<String, Object>> out = new ArrayList<>();
        boolean listenersListed = false;
        for (MethodDef def : model.inRegistrationOrder()) {
            Role role = def.spec().role();
            if (role == Role.LISTENER) {
                if (!listenersListed) {
                    out.add(entry(MethodSpec.listener(), listenerKeys(model.listeners())));
                    listenersListed = true;
                }
            } else if (role != Role.EXPOSED && !def.system() && !def.name().startsWith("__")) {
                out.add(entry(def.spec(), def.spec().keys()));
            }
        }
        return out;
    }

    /** One entry for all listeners, as front sends a single broadcast per event anyway. */
    private static List<String> listenerKeys(List<MethodDef> listeners) {
        boolean allFiltered = listeners.stream().noneMatch(l -> l.spec().keys().isEmpty());
        Set<String> keys = new LinkedHashSet<>();
        if (allFiltered) {
            listeners.forEach(l -> keys.addAll(l.spec().keys()));
        }
        return List.copyOf(keys);
    }

    private static Map<String, Object> entry(MethodSpec spec, List<String> keys) {
        Map<String, Object> options = new LinkedHashMap<>();
        if (!keys.isEmpty()) {
            options.put("keys", keys);
        }
        if (!spec.props().isEmpty()) {
            options.put("props", new LinkedHashMap<>(spec.props()));
        }
        if (spec.alias() != null && !spec.alias().isEmpty()) {
            options.put("alias", spec.alias());
        }
        if (spec.timeoutMillis() > 0) {
            options.put("timeout", spec.timeoutMillis());
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("method", spec.name());
        entry.put("role", spec.role().wireName());
        entry.put("options", options);
        return entry;
    }
}
