/**
 * Background work registered in plain code: {@link org.rockstat.band.job.Job} bodies and
 * their {@link org.rockstat.band.job.Schedule}. The annotations {@code @Worker},
 * {@code @Task} and {@code @Cleanup} are a convenience over these.
 */
package org.rockstat.band.job;
