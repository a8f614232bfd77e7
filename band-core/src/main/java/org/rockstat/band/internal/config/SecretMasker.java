package org.rockstat.band.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hides secrets so the effective configuration and DSNs can be logged: values under keys that
 * look secret ({@code password}, {@code token}, {@code api_key}, ...) become {@code ***}, and
 * the password in any {@code scheme://user:pass@host} URL, a lone userinfo
 * ({@code https://KEY@sentry.io/1}) and secret query parameters ({@code ?api_key=}) become
 * {@code ***}. Routing keys such as {@code key}, {@code keys} and {@code key_prefix} are left
 * visible.
 */
public final class SecretMasker {
    /** What a secret is replaced with. */
    public static final String MASK = "***";

    private static final List<String> SECRET_KEY_PARTS = List.of(
            "password",
            "passwd",
            "pwd",
            "passphrase",
            "secret",
            "token",
            "credential",
            "auth",
            "api_key",
            "apikey",
            "private_key",
            "access_key",
            "signing_key",
            "hmac",
            "jwt",
            "stripe",
            "sentry_dsn",
            "license");
    /** {@code stripe_key}, {@code accessKey}, {@code app-key}: a name ending in "key" that is not a routing key. */
    private static final Pattern KEY_SUFFIX = Pattern.compile(".+[_\\-][kK][eE][yY]$|.+[a-z0-9]Key$");
    /** scheme://user:pass@ — user may be empty; the password runs to the last '@' before the host. */
    private static final Pattern URL_CREDENTIALS =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*://[^\\s:/@?#]*):[^\\s/?#]+@");
    /**
     * {@code redis://secret@host} (Redis reads a lone userinfo as the password), and
     * {@code https://KEY@sentry.io/1} (Sentry's key is the user): a lone userinfo is a secret.
     */
    private static final Pattern URL_LONE_USERINFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*://)[^\\s:/@?#]+@");
    /** {@code ?api_key=...}, {@code &token=...}: query parameters that carry secrets. */
    private static final Pattern QUERY_SECRET = Pattern.compile(
            "(?i)([?&;](?:api[_-]?key|apikey|key|token|access[_-]?token|auth|secret|client[_-]?secret|password|passwd"
                    + "|pwd|sig|signature)=)[^&#\\s]+");

    private SecretMasker() {}

    /** A masked copy of {@code node}; the input is not changed. */
    public static JsonNode mask(JsonNode node) {
        return mask(node, false);
    }

    /**
     * {@code value} masked as it would be at dot {@code path} in the tree: fully when any part of
     * the path looks secret (used to quote a setting in an error message).
     */
    public static JsonNode mask(String path, JsonNode value) {
        boolean secret = Arrays.stream(path.split("\\.")).anyMatch(SecretMasker::isSecretKey);
        return mask(value, secret);
    }

    /** {@code text} with URL passwords masked, e.g. {@code redis://:***@redis:6379/0}. */
    public static String maskText(String text) {
        if (text == null) {
            return null;
        }
        String masked = URL_CREDENTIALS.matcher(text).replaceAll("$1:" + MASK + "@");
        masked = URL_LONE_USERINFO.matcher(masked).replaceAll("$1" + MASK + "@");
        return QUERY_SECRET.matcher(masked).replaceAll("$1" + MASK);
    }

    /** True when a key's name suggests its value is a secret. */
    public static boolean isSecretKey(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return SECRET_KEY_PARTS.stream().anyMatch(lower::contains)
                || KEY_SUFFIX.matcher(key).matches();
    }

    private static JsonNode mask(JsonNode node, boolean secret) {
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                copy.set(entry.getKey(), mask(entry.getValue(), secret || isSecretKey(entry.getKey())));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> copy.add(mask(element, secret)));
            return copy;
        }
        if (node.isNull() || node.isMissingNode()) {
            return node;
        }
        if (secret) {
            return node.isTextual() && node.textValue().isEmpty() ? node : TextNode.valueOf(MASK);
        }
        return node.isTextual() ? TextNode.valueOf(maskText(node.textValue())) : node.deepCopy();
    }
}
