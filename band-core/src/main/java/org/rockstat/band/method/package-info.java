/**
 * Registering methods in plain code: a {@link org.rockstat.band.method.MethodSpec} says how a
 * method is named and routed, a {@link org.rockstat.band.method.MethodHandler} does the work. The
 * annotations are a convenience over these.
 */
package org.rockstat.band.method;
