package org.rockstat.band;

import org.rockstat.band.config.Settings;

/**
 * Creates a service once the configuration is loaded, for services that read settings in their
 * constructor.
 *
 * <pre>{@code
 * Band.run(args, SkeletonService::new);   // public SkeletonService(Settings settings)
 * }</pre>
 *
 * <p>A constructor that also takes the {@code RpcClient} or typed clients ({@code @RemoteService}
 * interfaces) is called by Band itself when the class is passed: {@code Band.run(args, Checkout.class)}.
 */
@FunctionalInterface
public interface ServiceFactory {
    /** Returns the annotated service instance (or a {@code Class} with static methods). */
    Object create(Settings settings) throws Exception;
}
