/**
 * Configuration loading: {@code .env} files, {@code config.yaml}/{@code custom.yml} templates,
 * deep merge, defaults and secret masking for logs. Internal: the runtime calls
 * {@link org.rockstat.band.internal.config.ConfigLoader}; services only see
 * {@link org.rockstat.band.config.Settings}.
 */
package org.rockstat.band.internal.config;
