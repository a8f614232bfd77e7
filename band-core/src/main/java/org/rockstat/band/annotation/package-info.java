/**
 * The annotations a service author puts on methods. Hand an instance of the annotated class to
 * {@code Band.run(args, service)}; the runtime reads these annotations once at start-up.
 *
 * <pre>{@code
 * public final class UaService {
 *     @Enricher(keys = "in.gen.track", props = "ua=td.ua")
 *     public Map<String, Object> parse(String ua) { ... }
 * }
 * }</pre>
 *
 * <p>String values may contain {@code ${setting.path}} placeholders resolved from the service's
 * configuration, e.g. {@code @Enricher(keys = "${key_prefix}", props = "${props}")}.
 */
package org.rockstat.band.annotation;
