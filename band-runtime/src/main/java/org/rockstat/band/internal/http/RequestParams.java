package org.rockstat.band.internal.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.rockstat.band.internal.json.Json;

/**
 * Builds a call's params from an HTTP request the way PROTOCOL §5 says: the query string, then
 * the body (JSON object or form), then the path params, each later one winning on a name clash.
 * A single value becomes a string, a repeated one a list of strings.
 */
public final class RequestParams {
    private static final ObjectReader READER =
            Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Jackson's pointer to the input, which must not reach the caller. */
    private static final Pattern SOURCE =
            Pattern.compile("\\s*\\(?(start marker at )?\\[Source: .*?]\\)?", Pattern.DOTALL);
    /** Jackson's hint at the setting behind a limit, e.g. {@code from `StreamReadConstraints.getMaxNestingDepth()`}. */
    private static final Pattern SETTING_HINT = Pattern.compile(",?\\s*from `[^`]*`");

    private RequestParams() {}

    /**
     * The merged params.
     *
     * @param uri         the request URI (path and query)
     * @param contentType the {@code Content-Type} header or {@code null}
     * @param body        the body bytes (empty for none)
     * @param pathParams  values of the route's {@code :param} segments
     * @throws HttpProblem 400 for a malformed query, form or JSON body
     */
    static ObjectNode from(String uri, String contentType, byte[] body, Map<String, String> pathParams) {
        ObjectNode params = Json.object();
        putAll(params, decode(uri, true, StandardCharsets.UTF_8, "query string"));
        String mime = mime(contentType);
        Charset charset = charset(contentType);
        String text = new String(body, charset);
        String trimmed = text.strip();
        if (mime.equals("application/json") || mime.endsWith("+json")) {
            params.setAll(jsonObject(trimmed.isEmpty() ? "{}" : text));
        } else if (mime.equals("application/x-www-form-urlencoded") && !trimmed.startsWith("{")) {
            putAll(params, decode(text, false, charset, "form body"));
        } else if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            // no or another content type (curl -d sends the form type): a body that looks like JSON is JSON
            params.setAll(jsonObject(text));
        }
        pathParams.forEach(params::put);
        return params;
    }

    private static Map<String, List<String>> decode(String text, boolean hasPath, Charset charset, String what) {
        try {
            return new QueryStringDecoder(text, charset, hasPath).parameters();
        } catch (IllegalArgumentException e) {
            throw new HttpProblem(400, "Malformed " + what + ": " + e.getMessage());
        }
    }

    private static void putAll(ObjectNode params, Map<String, List<String>> values) {
        values.forEach((name, list) -> {
            if (list.size() == 1) {
                params.put(name, list.get(0));
            } else {
                ArrayNode array = params.putArray(name);
                list.forEach(array::add);
            }
        });
    }

    private static ObjectNode jsonObject(String text) {
        JsonNode node;
        try {
            node = READER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new HttpProblem(400, "Malformed JSON body: " + reason(e));
        }
        if (node instanceof ObjectNode object) {
            return object;
        }
        if (node == null || node.isMissingNode()) {
            return Json.object();
        }
        throw new HttpProblem(400, "JSON body must be an object");
    }

    /** Jackson's short reason and position, without the source excerpt. */
    static String reason(JsonProcessingException e) {
        String reason = e.getOriginalMessage() == null ? "invalid JSON" : e.getOriginalMessage();
        reason = SOURCE.matcher(reason).replaceAll("").strip();
        reason = SETTING_HINT.matcher(reason).replaceAll("");
        int newline = reason.indexOf('\n');
        if (newline >= 0) {
            reason = reason.substring(0, newline).strip();
        }
        JsonLocation at = e.getLocation();
        return at == null ? reason : reason + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private static String mime(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    private static Charset charset(String contentType) {
        if (contentType != null) {
            for (String part : contentType.split(";", -1)) {
                String p = part.strip();
                if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                    try {
                        return Charset.forName(p.substring(8).replace("\"", "").strip());
                    } catch (IllegalArgumentException e) {
                        throw new HttpProblem(400, "Unsupported charset in Content-Type: " + p.substring(8));
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }
}
