package org.rockstat.band.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Periodic work. Give exactly one of {@link #every()} (a fixed period, first run right after
 * start-up) or {@link #cron()} (five-field Unix cron, local time). Runs of one task never
 * overlap: a run that is still going when the next is due makes that one skip. A run that
 * throws is logged and the schedule goes on.
 *
 * <pre>{@code
 * @Task(every = "30s")
 * public void flush() { buffer.flush(); }
 *
 * @Task(cron = "0 9 * * 1-5")       // 09:00 on weekdays
 * public void report() { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Task {
    /** Period such as {@code "500ms"}, {@code "30s"}, {@code "5m"}, {@code "1h"}, {@code "1d"} or ISO-8601 {@code "PT30S"}. */
    String every() default "";

    /** Unix cron expression with five fields, e.g. {@code "0 * * * *"} (hourly). */
    String cron() default "";
}
