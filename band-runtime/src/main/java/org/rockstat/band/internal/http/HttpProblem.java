package org.rockstat.band.internal.http;

/** A request the endpoint refuses before any method runs: the status and the message to answer. */
final class HttpProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    HttpProblem(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
