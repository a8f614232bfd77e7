package org.rockstat.band.internal.http;

/**
 * A method served over the service's own HTTP endpoint.
 *
 * @param path     {@code /name}, or a declared path with {@code :param} segments
 * @param method   the wire name the dispatcher is called with ({@code enrich}, {@code broadcast}...)
 * @param catchAll true for the wildcard handler: serves any single-segment path nothing else
 *                 matches, with the segment as param {@code name}
 */
public record HttpRoute(String path, String method, boolean catchAll) {}
