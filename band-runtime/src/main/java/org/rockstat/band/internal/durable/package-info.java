/**
 * Durable listeners: {@link org.rockstat.band.internal.durable.DurableStream} appends the events
 * they take to the service's Redis Stream and feeds them from a consumer group, at least once,
 * with retries, a dead-letter stream and claims of a dead replica's entries. See docs/durable.md.
 */
package org.rockstat.band.internal.durable;
