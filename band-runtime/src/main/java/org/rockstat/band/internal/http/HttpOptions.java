package org.rockstat.band.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rockstat.band.config.ConfigurationException;
import org.rockstat.band.config.Settings;

/**
 * Limits and CORS of the service's own HTTP endpoint, read from {@code config.yaml} so an
 * operator can raise the body limit or pin the allowed origins without code changes.
 *
 * <pre>{@code
 * http:
 *   max_body: 2MiB            # or a number of bytes
 *   cors_origins: ["https://app.example.com"]   # or "*"
 * }</pre>
 *
 * @param maxBodyBytes largest request body accepted; a bigger one is answered 413
 * @param corsOrigins  origins allowed to call from a browser; {@code "*"} allows any origin
 *                     without credentials, an empty list turns CORS off
 */
public record HttpOptions(int maxBodyBytes, List<String> corsOrigins) {
    /** 1 MiB. */
    public static final int DEFAULT_MAX_BODY = 1024 * 1024;
    /** Every origin, without credentials. */
    public static final List<String> DEFAULT_CORS_ORIGINS = List.of("*");

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-z]*)");

    public HttpOptions {
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
        }
        corsOrigins = List.copyOf(corsOrigins);
    }

    /** 1 MiB bodies, any origin. */
    public static HttpOptions defaults() {
        return new HttpOptions(DEFAULT_MAX_BODY, DEFAULT_CORS_ORIGINS);
    }

    /** Options from {@code http.max_body} and {@code http.cors_origins}, defaults for what is unset. */
    public static HttpOptions from(Settings settings) {
        int maxBody = settings.has("http.max_body") ? size(settings.node("http.max_body")) : DEFAULT_MAX_BODY;
        List<String> origins = settings.has("http.cors_origins") ? origins(settings.node("http.cors_origins"))
                : DEFAULT_CORS_ORIGINS;
        return new HttpOptions(maxBody, origins);
    }

    /**
     * Bytes from a number or a size text: {@code 512}, {@code 512B}, {@code 64KB} (1000s),
     * {@code 64KiB} (1024s), {@code 2MB}, {@code 1MiB}, {@code 1GB}, {@code 1GiB}.
     */
    static int size(JsonNode node) {
        if (node.canConvertToLong() && node.isIntegralNumber()) {
            return checked(node.longValue(), node.toString());
        }
        String text = node.asText().trim();
        Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
        if (!node.isTextual() || !m.matches()) {
            throw badSize(node.toString());
        }
        long unit = switch (m.group(2)) {
            case "", "b" -> 1L;
            case "k", "kb" -> 1000L;
            case "kib" -> 1024L;
            case "m", "mb" -> 1000L * 1000;
            case "mib" -> 1024L * 1024;
            case "g", "gb" -> 1000L * 1000 * 1000;
            case "gib" -> 1024L * 1024 * 1024;
            default -> throw badSize(node.toString());
        };
        try {
            return checked(Math.multiplyExact(Long.parseLong(m.group(1)), unit), node.toString());
        } catch (ArithmeticException | NumberFormatException e) {
            throw badSize(node.toString());
        }
    }

    private static int checked(long bytes, String raw) {
        if (bytes < 1 || bytes > Integer.MAX_VALUE) {
            throw new ConfigurationException(List.of("Setting 'http.max_body' = " + raw
                    + " is out of range in config.yaml: give 1 byte to 2GiB, e.g. 'max_body: 1MiB' under 'http'"));
        }
        return (int) bytes;
    }

    private static ConfigurationException badSize(String raw) {
        return new ConfigurationException(List.of("Setting 'http.max_body' = " + raw
                + " is not a size in config.yaml: give bytes or a size like 512KiB, 1MiB or 2MB, e.g. 'max_body: 1MiB' under 'http'"));
    }

    /** A list of origins, or one text: {@code "*"} or comma-separated origins. */
    static List<String> origins(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> addOrigin(out, n));
        } else if (node.isTextual()) {
            for (String part : node.textValue().split(",")) {
                addOrigin(out, com.fasterxml.jackson.databind.node.TextNode.valueOf(part));
            }
        } else {
            throw badOrigins(node.toString());
        }
        return out;
    }

    private static void addOrigin(List<String> out, JsonNode n) {
        if (!n.isTextual()) {
            throw badOrigins(n.toString());
        }
        String origin = n.textValue().trim();
        while (origin.endsWith("/")) {
            origin = origin.substring(0, origin.length() - 1);
        }
        if (!origin.isEmpty()) {
            out.add(origin);
        }
    }

    private static ConfigurationException badOrigins(String raw) {
        return new ConfigurationException(List.of("Setting 'http.cors_origins' = " + raw
                + " is not a list of origins in config.yaml: give \"*\" or a list, e.g. 'cors_origins: [\"https://app.example.com\"]' under 'http'"));
    }
}
