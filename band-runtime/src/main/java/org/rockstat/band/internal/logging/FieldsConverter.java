package org.rockstat.band.internal.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rockstat.band.internal.trace.CallScope;

/**
 * The text format's fields after the message, {@code key=value} separated by spaces:
 * {@code service} and {@code env}, then the call's MDC in a fixed order ({@code call.id},
 * {@code call.from}, {@code call.method}, {@code call.key}, {@code job}, {@code trace.id},
 * {@code span.id}), then any other MDC entry by name. Nothing at all when there is none.
 */
public final class FieldsConverter extends ClassicConverter {
    /** The pattern word this converter is registered under. */
    static final String WORD = "bandFields";
    /** The field naming the service, in the text and json formats. */
    static final String SERVICE = "service";
    /** The field naming the service's environment, in the text and json formats. */
    static final String ENV = "env";
    /** The Logback context object holding {@code service=... env=...} for this configuration. */
    static final String IDENTITY = "band.log.identity";

    private static final List<String> FIRST = List.of(
            CallScope.CALL_ID,
            CallScope.FROM,
            CallScope.METHOD,
            CallScope.KEY,
            CallScope.JOB,
            CallScope.TRACE_ID,
            CallScope.SPAN_ID);

    private String identity = "";

    /** Made by Logback's pattern parser. */
    public FieldsConverter() {}

    /** The service and environment of the configuration this converter was made for. */
    static String identity(String service, String env) {
        StringBuilder out = new StringBuilder();
        append(out, SERVICE, service);
        append(out, ENV, env);
        return out.toString();
    }

    @Override
    public void start() {
        if (getContext() != null && getContext().getObject(IDENTITY) instanceof String text) {
            identity = text;
        }
        super.start();
    }

    @Override
    public String convert(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(identity);
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (!mdc.isEmpty()) {
            for (String key : FIRST) {
                append(out, key, mdc.get(key));
            }
            Map<String, String> others = new TreeMap<>(mdc);
            FIRST.forEach(others::remove);
            others.forEach((key, value) -> append(out, key, value));
        }
        return out.isEmpty() ? "" : " |" + out;
    }

    private static void append(StringBuilder out, String key, String value) {
        if (value != null) {
            out.append(' ').append(key).append('=').append(value);
        }
    }
}
