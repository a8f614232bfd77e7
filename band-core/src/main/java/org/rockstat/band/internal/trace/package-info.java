/** Call ids across services: W3C trace context for each call, and the MDC a call's log lines carry. */
package org.rockstat.band.internal.trace;
