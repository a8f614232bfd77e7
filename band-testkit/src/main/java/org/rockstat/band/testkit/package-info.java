/**
 * Testing a Band service the way the platform uses it: {@link org.rockstat.band.testkit.BandServiceExtension}
 * starts the service in-process (embedded transport, or a real {@code redis-server}) and gives the
 * test a {@link org.rockstat.band.testkit.FrontClient} (handler calls with front's events,
 * enrich round trips, broadcasts), a {@link org.rockstat.band.testkit.DirectorProbe} (register,
 * status, heartbeats) and an HTTP client bound to the service's port.
 */
package org.rockstat.band.testkit;
