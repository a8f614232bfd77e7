package org.rockstat.band.internal.registry;

import org.rockstat.band.method.MethodHandler;
import org.rockstat.band.method.MethodSpec;

/**
 * A registered method: its routing spec, the prepared handler and where it came from (for log
 * lines and error messages: {@code SkeletonService.main} or {@code handler 'ping'}).
 *
 * @param system true for Band's own methods ({@code __status}...): never refused for load or
 *               shutdown, never listed in {@code register}
 */
public record MethodDef(MethodSpec spec, MethodHandler handler, String source, boolean system) {
    /** A user method. */
    public MethodDef(MethodSpec spec, MethodHandler handler, String source) {
        this(spec, handler, source, false);
    }

    /** The wire name. */
    public String name() {
        return spec.name();
    }
}
