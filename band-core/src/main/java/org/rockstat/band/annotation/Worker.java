package org.rockstat.band.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs once after start-up on its own virtual thread, for loading data or a long-running loop.
 * At shutdown the thread is interrupted, so a loop should end on {@link InterruptedException}.
 * A worker that throws is logged; the service keeps running.
 *
 * <pre>{@code
 * @Worker
 * public void refresh() throws InterruptedException {
 *     while (true) {
 *         state.reload();
 *         Thread.sleep(Duration.ofSeconds(30));
 *     }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Worker {}
