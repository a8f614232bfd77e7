package org.rockstat.band.internal.trace;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a call sits in a request's path across services, with W3C Trace Context semantics
 * ({@code traceparent}, version {@code 00}): the trace id follows the request from service to
 * service, every hop (a call a service serves) gets a span id of its own, and {@code parentId} is
 * the span of the hop that called it.
 *
 * <pre>{@code
 * Trace hop = Trace.continueFrom(Trace.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
 * hop.traceId();        // 4bf92f3577b34da6a3ce929d0e0e4736, as the caller's
 * hop.parentId();       // 00f067aa0ba902b7, the caller's span
 * hop.traceparent();    // 00-4bf92f35...-<hop's own span id>-01: what a call made from here sends
 * }</pre>
 *
 * @param traceId  32 lower-case hex digits, not all zero
 * @param spanId   16 lower-case hex digits, not all zero: this hop
 * @param parentId the calling hop's span id, or {@code null} when this hop started the trace
 * @param flags    the trace flags, 2 hex digits ({@code 01}: sampled)
 */
public record Trace(String traceId, String spanId, String parentId, String flags) {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();
    private static final String VERSION = "00";
    private static final String SAMPLED = "01";
    private static final int LENGTH = 55;

    /** A new trace, started here. */
    public static Trace start() {
        return new Trace(randomHex() + randomHex(), randomHex(), null, SAMPLED);
    }

    /** The next hop after {@code parent} (a new trace when {@code parent} is {@code null}). */
    public static Trace continueFrom(Trace parent) {
        return parent == null ? start() : new Trace(parent.traceId, randomHex(), parent.spanId, parent.flags);
    }

    /**
     * A {@code traceparent} value as the caller sent it: {@code 00-<trace id>-<span id>-<flags>};
     * {@code null} when absent or malformed (an id of zeros, upper-case hex, a wrong length), so a
     * bad header starts a new trace instead of failing the call. Later versions are read by their
     * first four fields, as the W3C specification asks.
     */
    public static Trace parse(String traceparent) {
        if (traceparent == null || traceparent.length() < LENGTH) {
            return null;
        }
        String version = traceparent.substring(0, 2);
        if (!isHex(version) || "ff".equals(version)) {
            return null;
        }
        boolean fits = VERSION.equals(version)
                ? traceparent.length() == LENGTH
                : traceparent.length() == LENGTH || traceparent.charAt(LENGTH) == '-';
        if (!fits) {
            return null;
        }
        if (traceparent.charAt(2) != '-' || traceparent.charAt(35) != '-' || traceparent.charAt(52) != '-') {
            return null;
        }
        String traceId = traceparent.substring(3, 35);
        String spanId = traceparent.substring(36, 52);
        String flags = traceparent.substring(53, 55);
        if (!isHex(traceId) || !isHex(spanId) || !isHex(flags) || isZero(traceId) || isZero(spanId)) {
            return null;
        }
        return new Trace(traceId, spanId, null, flags);
    }

    /** What a call made from this hop sends: this hop's span is the callee's parent. */
    public String traceparent() {
        return VERSION + "-" + traceId + "-" + spanId + "-" + flags;
    }

    /** 16 hex digits of a random, non-zero long: every call has one, so no byte arrays or formatters. */
    private static String randomHex() {
        long value;
        do {
            value = ThreadLocalRandom.current().nextLong();
        } while (value == 0);
        char[] digits = new char[16];
        for (int i = 15; i >= 0; i--) {
            digits[i] = DIGITS[(int) (value & 0xf)];
            value >>>= 4;
        }
        return new String(digits);
    }

    private static boolean isZero(String hex) {
        for (int i = 0; i < hex.length(); i++) {
            if (hex.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
