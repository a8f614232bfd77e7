/**
 * Liveness and readiness ({@code /__health/live}, {@code /__health/ready}):
 * {@link org.rockstat.band.internal.health.Health}. Internal: not a public API.
 */
package org.rockstat.band.internal.health;
