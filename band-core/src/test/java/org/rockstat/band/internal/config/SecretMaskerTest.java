package org.rockstat.band.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.internal.json.Json;

class SecretMaskerTest {
    @Test
    void masksSecretLookingKeysCaseInsensitively() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("password", "hunter2");
        values.put("DB_PASSWD", "x");
        values.put("pwd", 1234);
        values.put("client_secret", "s");
        values.put("Api_Token", "t");
        values.put("credentials", List.of("a", "b"));
        values.put("auth", Map.of("user", "u"));
        values.put("apikey", "k");
        values.put("API_KEY", "k");
        values.put("private_key", "pem");
        values.put("sentry_dsn", "https://k@sentry.io/1");
        values.put("access_key", "AKIA");
        values.put("passphrase", "p");
        values.put("stripe_key", "sk_live");
        values.put("jwt_signing_key", "j");
        values.put("hmac", "h");
        values.put("accessKey", "camel");
        values.put("unset_token", null);
        values.put("empty_secret", "");
        assertThat(SecretMasker.mask(Json.tree(values)).toString())
                .isEqualTo("{\"password\":\"***\","
                        + "\"DB_PASSWD\":\"***\",\"pwd\":\"***\",\"client_secret\":\"***\",\"Api_Token\":\"***\","
                        + "\"credentials\":[\"***\",\"***\"],\"auth\":{\"user\":\"***\"},\"apikey\":\"***\","
                        + "\"API_KEY\":\"***\",\"private_key\":\"***\",\"sentry_dsn\":\"***\",\"access_key\":\"***\","
                        + "\"passphrase\":\"***\",\"stripe_key\":\"***\",\"jwt_signing_key\":\"***\",\"hmac\":\"***\","
                        + "\"accessKey\":\"***\",\"unset_token\":null,\"empty_secret\":\"\"}");
    }

    @Test
    void leavesRoutingKeysAndOrdinarySettingsAlone() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("keys", List.of("in.gen.track"));
        values.put("key", "key");
        values.put("key_prefix", "in.gen.track");
        values.put("monkey", "banana");
        values.put("hotkeys", "ctrl");
        values.put("props", Map.of("key", "key"));
        values.put("listen", "0.0.0.0:8080");
        values.put("port", 8080);
        values.put("debug", true);
        JsonNode tree = Json.tree(values);
        assertThat(SecretMasker.mask(tree)).isEqualTo(tree);
    }

    @Test
    void masksUrlPasswordsInAnyString() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("redis_dsn", "redis://:s3cret@redis:6379/0");
        values.put("ch_dsn", "http://default:p@ss@clickhouse:8123/db?x=1");
        values.put("nested", Map.of("urls", List.of("amqp://user:pw@mq/vhost")));
        values.put("plain", "redis://redis:6379");
        values.put("user_only", "https://user@example.com/a:b@c");
        values.put("sentry_like", "https://0123abcd@o1.ingest.sentry.io/42");
        values.put("query", "https://api.example.com/v1?api_key=s3cret&page=2&Token=t0k");
        assertThat(SecretMasker.mask(Json.tree(values)).toString())
                .isEqualTo("{"
                        + "\"redis_dsn\":\"redis://:***@redis:6379/0\","
                        + "\"ch_dsn\":\"http://default:***@clickhouse:8123/db?x=1\","
                        + "\"nested\":{\"urls\":[\"amqp://user:***@mq/vhost\"]},"
                        + "\"plain\":\"redis://redis:6379\","
                        + "\"user_only\":\"https://***@example.com/a:b@c\","
                        + "\"sentry_like\":\"https://***@o1.ingest.sentry.io/42\","
                        + "\"query\":\"https://api.example.com/v1?api_key=***&page=2&Token=***\"}");
    }

    @Test
    void masksSingleDsnText() {
        assertThat(SecretMasker.maskText("redis://:pw@localhost:6379/1")).isEqualTo("redis://:***@localhost:6379/1");
        assertThat(SecretMasker.maskText("redis://band:pw@h:1 and rediss://x:y@h2"))
                .isEqualTo("redis://band:***@h:1 and rediss://x:***@h2");
        assertThat(SecretMasker.maskText("redis://localhost:6379")).isEqualTo("redis://localhost:6379");
        assertThat(SecretMasker.maskText("rediss://pw@host:6380/2")).isEqualTo("rediss://***@host:6380/2");
        assertThat(SecretMasker.maskText(null)).isNull();
    }

    @Test
    void doesNotChangeItsInput() {
        JsonNode tree = Json.tree(Map.of("password", "x", "dsn", "redis://:pw@h", "db", Map.of("token", "t")));
        JsonNode before = tree.deepCopy();
        JsonNode masked = SecretMasker.mask(tree);
        assertThat(tree).isEqualTo(before);
        assertThat(masked).isNotSameAs(tree);
    }

    @Test
    void masksByPath() {
        assertThat(SecretMasker.mask("db.password", Json.tree("x")).asText()).isEqualTo("***");
        assertThat(SecretMasker.mask("auth.user", Json.tree("x")).asText()).isEqualTo("***");
        assertThat(SecretMasker.mask("db.port", Json.tree("abc")).asText()).isEqualTo("abc");
    }
}
