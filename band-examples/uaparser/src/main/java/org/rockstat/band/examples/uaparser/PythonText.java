package org.rockstat.band.examples.uaparser;

import java.math.BigInteger;

/**
 * The few Python {@code str} operations the Python uaparser's answer depends on, with Python's
 * Unicode rules rather than Java's ({@code String.strip()} and {@code Character.isDigit} draw the
 * lines elsewhere).
 *
 * <pre>{@code
 * PythonText.strip("\u00a0 Nokia ");   // "Nokia": U+00A0 is whitespace to Python, not to String.trim()
 * PythonText.isDigit("\u00b2");        // true, and int("\u00b2") raises, see toInt
 * }</pre>
 */
final class PythonText {
    private PythonText() {}

    /** {@code str.isspace()} for one character: category Zs, or bidi class WS, B or S. */
    static boolean isSpace(int c) {
        if (Character.getType(c) == Character.SPACE_SEPARATOR) {
            return true;
        }
        byte bidi = Character.getDirectionality(c);
        return bidi == Character.DIRECTIONALITY_WHITESPACE
                || bidi == Character.DIRECTIONALITY_PARAGRAPH_SEPARATOR
                || bidi == Character.DIRECTIONALITY_SEGMENT_SEPARATOR;
    }

    /** {@code str.strip()}. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (end > start && isSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    /**
     * {@code str.isdigit()}: non-empty and every character a decimal digit of any script or a
     * digit-valued number sign such as a superscript ({@code ²}) or a circled digit.
     */
    static boolean isDigit(String s) {
        if (s.isEmpty()) {
            return false;
        }
        return s.codePoints().allMatch(c -> Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER || isDigitSign(c));
    }

    private static boolean isDigitSign(int c) {
        // OTHER_NUMBER only (superscripts, circled digits...): getNumericValue's base-36 reading
        // of A-Z cannot apply to them
        if (Character.getType(c) != Character.OTHER_NUMBER) {
            return false;
        }
        @SuppressWarnings("CharacterGetNumericValue")
        int value = Character.getNumericValue(c);
        return value >= 0 && value <= 9;
    }

    /**
     * {@code int(s)} for a string {@link #isDigit} accepts: decimal digits of any script. A digit
     * sign such as {@code ²} passes {@code isdigit()} but makes {@code int()} raise, and so does
     * this.
     */
    static Number toInt(String s) {
        StringBuilder ascii = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            if (Character.getType(c) != Character.DECIMAL_DIGIT_NUMBER) {
                throw new NumberFormatException("invalid literal for int() with base 10: '" + s + "'");
            }
            ascii.append((char) ('0' + Character.digit(c, 10)));
            i += Character.charCount(c);
        }
        // Python ints have no bound
        BigInteger value = new BigInteger(ascii.toString());
        if (value.bitLength() < Integer.SIZE) {
            return value.intValue();
        }
        return value.bitLength() < Long.SIZE ? (Number) value.longValue() : value;
    }
}
