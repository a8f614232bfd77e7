package org.rockstat.band.internal.jobs;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import org.slf4j.Logger;

/**
 * How a failed job is reported: one ERROR line with the stack trace (a job that throws is a bug
 * to find), carrying the run's {@code job} and {@code trace.id} from the MDC.
 */
final class JobFailures {
    private JobFailures() {}

    /** Logs {@code <what> <source> failed: <ExceptionClass>: <message>} and the stack trace. */
    static void log(Logger log, String what, String source, Throwable failure) {
        log.error("{} {} failed: {}", what, source, describe(failure), failure);
    }

    static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null
                ? failure.getClass().getName()
                : failure.getClass().getName() + ": " + message;
    }

    /** Whether {@code failure} is how blocking code reacts to an interrupt. */
    static boolean isInterruption(Throwable failure) {
        return failure instanceof InterruptedException
                || failure instanceof InterruptedIOException
                || failure instanceof ClosedByInterruptException;
    }
}
