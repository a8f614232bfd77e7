package org.rockstat.band.internal.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's first-use configuration hook (registered in {@code META-INF/services}): applies
 * {@link Logging}'s defaults from the process environment, so lines logged before Band reads its
 * {@code .env} files already look right. Steps aside when the user supplied a Logback
 * configuration, letting Logback's own file lookup run.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class BandLogbackConfigurator extends ContextAwareBase implements Configurator {

    /** Called by Logback's service loader. */
    public BandLogbackConfigurator() {}

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (Logging.userConfigPresent()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Logging.apply(context, LogSettings.from(System.getenv()), null);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
