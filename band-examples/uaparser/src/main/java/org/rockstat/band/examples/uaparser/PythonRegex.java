package org.rockstat.band.examples.uaparser;

import java.util.regex.Pattern;

/**
 * Compiles a Python {@code re} pattern (as uap-core writes them) to a Java {@link Pattern} that
 * matches the same text. The syntax is shared; what differs is what the shorthand classes mean on
 * non-ASCII text. Python's {@code \w} is {@code [\p{L}\p{N}_]} (so a superscript {@code ²} is a
 * word character), Java's Unicode {@code \w} takes in combining marks and leaves out {@code ²};
 * Python's {@code \s} includes U+001C..U+001F; Python's {@code .}, {@code ^} and {@code $} treat
 * only {@code \n} as a line end. So {@code \w \W \d \D \s \S \b \B} are spelled out as the classes
 * Python uses, and {@link Pattern#UNIX_LINES} is set.
 *
 * <pre>{@code
 * PythonRegex.compile("\\bB(\\w+)", false).matcher("YandexB\u00b2ot").find();   // group 1 is "\u00b2ot", as in Python
 * }</pre>
 */
final class PythonRegex {
    private static final String WORD = "\\p{L}\\p{N}_";
    private static final String SPACE = "\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}"
            + "\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}";
    private static final String WORD_BOUNDARY =
            "(?:(?<=[" + WORD + "])(?![" + WORD + "])|(?<![" + WORD + "])(?=[" + WORD + "]))";
    private static final String NOT_WORD_BOUNDARY =
            "(?:(?<=[" + WORD + "])(?=[" + WORD + "])|(?<![" + WORD + "])(?![" + WORD + "]))";

    private PythonRegex() {}

    /** The Java pattern for Python's {@code re.compile(regex, re.IGNORECASE if ignoreCase else 0)}. */
    static Pattern compile(String regex, boolean ignoreCase) {
        int flags = Pattern.UNIX_LINES;
        if (ignoreCase) {
            flags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        }
        return Pattern.compile(toJava(regex), flags);
    }

    /** The pattern text with Python's meaning of the shorthand classes spelled out. */
    static String toJava(String regex) {
        StringBuilder out = new StringBuilder(regex.length() + 64);
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                char next = regex.charAt(++i);
                out.append(inClass ? inClass(next) : outsideClass(next));
                continue;
            }
            if (inClass) {
                if (c == ']') {
                    inClass = false;
                } else if (c == '[') {
                    // a literal in Python, a nested class in Java
                    out.append("\\[");
                    continue;
                } else if (c == '&' && i + 1 < regex.length() && regex.charAt(i + 1) == '&') {
                    // Java's class intersection; literal ampersands in Python
                    out.append("\\&");
                    continue;
                }
            } else if (c == '[') {
                inClass = true;
                out.append(c);
                // ']' right after '[' or '[^' is a literal in Python
                if (i + 1 < regex.length() && regex.charAt(i + 1) == '^') {
                    out.append('^');
                    i++;
                }
                if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') {
                    out.append("\\]");
                    i++;
                }
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String outsideClass(char escaped) {
        return switch (escaped) {
            case 'w' -> "[" + WORD + "]";
            case 'W' -> "[^" + WORD + "]";
            case 'd' -> "\\p{Nd}";
            case 'D' -> "\\P{Nd}";
            case 's' -> "[" + SPACE + "]";
            case 'S' -> "[^" + SPACE + "]";
            case 'b' -> WORD_BOUNDARY;
            case 'B' -> NOT_WORD_BOUNDARY;
            default -> "\\" + escaped;
        };
    }

    private static String inClass(char escaped) {
        return switch (escaped) {
            case 'w' -> WORD;
            case 'd' -> "\\p{Nd}";
            case 's' -> SPACE;
            // a negated class nested in a class is a union in Java
            case 'W' -> "[^" + WORD + "]";
            case 'D' -> "\\P{Nd}";
            case 'S' -> "[^" + SPACE + "]";
            // backspace inside a class, in Python
            case 'b' -> "\\x08";
            default -> "\\" + escaped;
        };
    }
}
