package org.rockstat.band.internal.method;

import org.rockstat.band.rpc.MethodHandler;
import org.rockstat.band.rpc.MethodSpec;

/**
 * A registered method: its routing spec, the prepared handler and where it came from (for log
 * lines and error messages: {@code SkeletonService.main} or {@code handler 'ping'}).
 */
public record MethodDef(MethodSpec spec, MethodHandler handler, String source) {
    /** The wire name. */
    public String name() {
        return spec.name();
    }
}
