/**
 * Replicas of one service sharing the work: {@link org.rockstat.band.internal.replica.ReplicaSet}
 * (membership over a Band-private Redis channel, in Redis's order) and
 * {@link org.rockstat.band.internal.replica.View} (rendezvous hashing of a message over the
 * members). See docs/replicas.md.
 */
package org.rockstat.band.internal.replica;
