package org.rockstat.band.job;

/**
 * A body of background work: a worker, a task run or a cleanup, written as a lambda.
 *
 * <pre>{@code
 * Band.create(args)
 *     .task("flush", Schedule.every("30s"), buffer::flush)
 *     .cleanup("close", db::close)
 *     .start();
 * }</pre>
 */
@FunctionalInterface
public interface Job {
    /** Does the work; may block. Workers should end when interrupted. */
    void run() throws Exception;
}
