/**
 * The service's configuration: {@link org.rockstat.band.config.Settings} read from
 * {@code config.yaml} (+ {@code custom.yml}, {@code .env}, {@code .env.local} and the environment),
 * and {@link org.rockstat.band.config.ConfigurationException}, which lists every problem found at
 * start-up at once.
 */
package org.rockstat.band.config;
