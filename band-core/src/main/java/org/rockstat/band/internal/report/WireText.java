package org.rockstat.band.internal.report;

/**
 * Text that came from the wire, made safe for a log line: control characters (a newline would
 * forge a second line) escaped as {@code \n}, {@code \u0007}..., and anything past
 * {@link #LIMIT} characters cut with the full length said, so a 900 KB {@code from} writes a short
 * line. {@code null} prints as {@code null}.
 *
 * <pre>{@code
 * log.warn("Dropped a request from {}", WireText.of(from));   // "evil\nWARN forged" -> evil\nWARN forged
 * }</pre>
 */
public final class WireText {
    /** Characters kept of a wire value in a log line. */
    public static final int LIMIT = 200;

    private final String text;

    private WireText(String text) {
        this.text = text;
    }

    /** The value, formatted lazily (only if the line is logged). */
    public static WireText of(Object value) {
        return new WireText(value == null ? null : value.toString());
    }

    /** {@code text} escaped and cut to {@code limit} characters. */
    public static String escape(String text, int limit) {
        if (text == null) {
            return "null";
        }
        int end = Math.min(text.length(), limit);
        StringBuilder out = new StringBuilder(end + 16);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (text.length() > limit) {
            out.append("... (").append(text.length()).append(" chars)");
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return escape(text, LIMIT);
    }
}
