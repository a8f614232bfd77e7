package org.rockstat.band.internal.trace;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rockstat.band.internal.report.WireText;
import org.slf4j.MDC;

/**
 * What every log line of one call carries, set on the thread that runs the call and taken off
 * when it ends: the MDC entries ({@code call.id}, {@code call.from}, {@code call.method},
 * {@code call.key}, {@code trace.id}, {@code span.id}; {@code job} for a worker or task run) and
 * the {@link Trace} a call made from here continues ({@link #current()}). Names follow ECS where
 * ECS has them ({@code trace.id}, {@code span.id}); the others live under {@code call.}, which
 * ECS does not use. Values from the wire are escaped ({@link WireText}), so a forged caller name
 * cannot forge a line.
 *
 * <pre>{@code
 * CallScope.Labels labels = CallScope.Labels.call("17", "front", "enrich", "page", Trace.start());
 * try (CallScope scope = CallScope.open(labels)) {
 *     log.info("...");                 // carries call.id=17, call.from=front, trace.id=...
 *     CallScope.current();             // the trace an RpcClient call sends on
 * }
 * }</pre>
 */
public final class CallScope implements AutoCloseable {
    /** The JSON-RPC id of the call (a generated one for HTTP). */
    public static final String CALL_ID = "call.id";
    /** Who called ({@code from}; {@code http} for the service's own HTTP endpoint). */
    public static final String FROM = "call.from";
    /** The method as called. */
    public static final String METHOD = "call.method";
    /** The event's routing key ({@code params.key}), for events. */
    public static final String KEY = "call.key";
    /** The W3C trace id: the same in every service on a request's path. */
    public static final String TRACE_ID = "trace.id";
    /** This hop's W3C span id. */
    public static final String SPAN_ID = "span.id";
    /** The worker or task whose run this is. */
    public static final String JOB = "job";

    private static final List<String> KEYS = List.of(CALL_ID, FROM, METHOD, KEY, TRACE_ID, SPAN_ID, JOB);
    private static final ThreadLocal<Trace> CURRENT = new ThreadLocal<>();

    private final Map<String, String> previous;
    private final Trace previousTrace;

    /**
     * The labels of one call or job run, escaped once when made.
     *
     * @param mdc   the MDC entries (only those with a value)
     * @param trace the hop
     */
    public record Labels(Map<String, String> mdc, Trace trace) {
        /** A served call; {@code id}, {@code key} may be {@code null} (a notification, no event). */
        public static Labels call(String id, String from, String method, String key, Trace trace) {
            Map<String, String> mdc = new HashMap<>(16);
            put(mdc, CALL_ID, wire(id));
            put(mdc, FROM, wire(from));
            put(mdc, METHOD, wire(method));
            put(mdc, KEY, wire(key));
            mdc.put(TRACE_ID, trace.traceId());
            mdc.put(SPAN_ID, trace.spanId());
            return new Labels(mdc, trace);
        }

        /** One run of a worker or task ({@code source} names it), starting a trace of its own. */
        public static Labels job(String source) {
            Trace trace = Trace.start();
            Map<String, String> mdc = new HashMap<>(8);
            mdc.put(JOB, source);
            mdc.put(TRACE_ID, trace.traceId());
            mdc.put(SPAN_ID, trace.spanId());
            return new Labels(mdc, trace);
        }

        private static void put(Map<String, String> mdc, String key, String value) {
            if (value != null) {
                mdc.put(key, value);
            }
        }

        private static String wire(String value) {
            if (value == null) {
                return null;
            }
            // names and ids are almost always plain: no copy for them
            if (value.length() <= WireText.LIMIT) {
                boolean plain = true;
                for (int i = 0; i < value.length() && plain; i++) {
                    char c = value.charAt(i);
                    plain = c >= 0x20 && c < 0x7f && c != '\\';
                }
                if (plain) {
                    return value;
                }
            }
            return WireText.escape(value, WireText.LIMIT);
        }
    }

    private CallScope(Labels labels) {
        // one MDC operation each way: a call's thread is new, or a transport's with nothing set
        previous = MDC.getCopyOfContextMap();
        if (previous == null || previous.isEmpty()) {
            MDC.setContextMap(labels.mdc);
        } else {
            Map<String, String> merged = new HashMap<>(previous);
            merged.keySet().removeAll(KEYS);
            merged.putAll(labels.mdc);
            MDC.setContextMap(merged);
        }
        previousTrace = CURRENT.get();
        CURRENT.set(labels.trace);
    }

    /** Puts {@code labels} on this thread until {@link #close()}, which restores what was there. */
    public static CallScope open(Labels labels) {
        return new CallScope(labels);
    }

    /** The hop running on this thread, or {@code null} outside a call. */
    public static Trace current() {
        return CURRENT.get();
    }

    @Override
    public void close() {
        if (previous == null || previous.isEmpty()) {
            MDC.clear();
        } else {
            MDC.setContextMap(previous);
        }
        if (previousTrace == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previousTrace);
        }
    }
}
