package org.rockstat.band.internal.rpc;

import java.util.LinkedHashSet;
import java.util.Set;
import org.rockstat.band.internal.config.RuntimeConfig;
import org.rockstat.band.internal.registry.ServiceModel;
import org.rockstat.band.method.MethodSpec;

/**
 * Which pub/sub channels a service subscribes (PROTOCOL §1): its name always, {@code enrich}
 * with an enricher (or {@code rpc_params.listen_enrich}), {@code broadcast} with listeners (or
 * {@code rpc_params.listen_all}).
 */
public final class Channels {
    private Channels() {}

    /** The channels, the service's name first. */
    public static Set<String> of(ServiceModel model, RuntimeConfig config) {
        Set<String> channels = new LinkedHashSet<>();
        channels.add(config.name());
        if (model.enricher().isPresent() || config.listenEnrich()) {
            channels.add(MethodSpec.ENRICH);
        }
        if (!model.listeners().isEmpty() || config.listenAll()) {
            channels.add(MethodSpec.BROADCAST);
        }
        return channels;
    }
}
