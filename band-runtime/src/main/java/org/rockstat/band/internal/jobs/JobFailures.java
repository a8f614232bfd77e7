package org.rockstat.band.internal.jobs;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * How failed jobs are reported: one ERROR line with the stack trace (a job that throws is a bug
 * to find), carrying the run's {@code job} and {@code trace.id} from the MDC. A task failing the
 * same way run after run (same exception class, thrown at the same place) prints its stack trace
 * the first time only; later runs are one line saying so.
 */
final class JobFailures {
    private final Logger log;
    /** The last failure of each job: exception class and where it was thrown. */
    private final Map<String, String> last = new ConcurrentHashMap<>();

    JobFailures(Logger log) {
        this.log = log;
    }

    /** Logs {@code <what> <source> failed: <ExceptionClass>: <message>}, with the stack trace unless a repeat. */
    void log(String what, String source, Throwable failure) {
        String signature = signature(failure);
        if (signature.equals(last.put(source, signature))) {
            log.error(
                    "{} {} failed: {} (as its last run did; the stack trace is logged with the first)",
                    what,
                    source,
                    describe(failure));
        } else {
            log.error("{} {} failed: {}", what, source, describe(failure), failure);
        }
    }

    static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null
                ? failure.getClass().getName()
                : failure.getClass().getName() + ": " + message;
    }

    private static String signature(Throwable failure) {
        StackTraceElement[] frames = failure.getStackTrace();
        return failure.getClass().getName() + (frames.length == 0 ? "" : " at " + frames[0]);
    }

    /** Whether {@code failure} is how blocking code reacts to an interrupt. */
    static boolean isInterruption(Throwable failure) {
        return failure instanceof InterruptedException
                || failure instanceof InterruptedIOException
                || failure instanceof ClosedByInterruptException;
    }
}
