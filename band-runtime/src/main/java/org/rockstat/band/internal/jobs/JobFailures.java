package org.rockstat.band.internal.jobs;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import org.slf4j.Logger;

/** How a failed job is reported: one ERROR line, the stack trace only at DEBUG. */
final class JobFailures {
    private JobFailures() {}

    /** Logs {@code <what> <source> failed: <ExceptionClass>: <message>}. */
    static void log(Logger log, String what, String source, Throwable failure) {
        log.error("{} {} failed: {}", what, source, describe(failure));
        if (log.isDebugEnabled()) {
            log.debug(what + " " + source + " failure stack trace", failure);
        }
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
