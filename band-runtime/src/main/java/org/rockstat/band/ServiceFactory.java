package org.rockstat.band;

import org.rockstat.band.config.Settings;

/**
 * Creates a service once the configuration is loaded, for services that read settings in their
 * constructor.
 *
 * <pre>{@code
 * Band.run(args, SkeletonService::new);   // public SkeletonService(Settings settings)
 * }</pre>
 */
@FunctionalInterface
public interface ServiceFactory {
    /** Returns the annotated service instance (or a {@code Class} with static methods). */
    Object create(Settings settings) throws Exception;
}
