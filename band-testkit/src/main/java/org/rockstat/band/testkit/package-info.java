/**
 * Testing a Band service the way the platform uses it: {@link org.rockstat.band.testkit.BandServiceExtension}
 * starts the service in-process (embedded transport, or a real {@code redis-server}) and gives the
 * test a {@link org.rockstat.band.testkit.FrontClient} (handler calls with front's events,
 * enrich round trips, broadcasts), a {@link org.rockstat.band.testkit.DirectorProbe} (register,
 * status, heartbeats) and an HTTP client bound to the service's port; stubs of the services it
 * calls ({@link org.rockstat.band.testkit.ServiceStub}, real services on the same bus), calls
 * to its methods as another service ({@link org.rockstat.band.testkit.ServiceCaller}), tasks run
 * now, and time moved by hand ({@link org.rockstat.band.testkit.ManualClock}).
 */
package org.rockstat.band.testkit;
