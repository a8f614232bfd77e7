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
        values.put("unset_token", null);
        values.put("empty_secret", "");
        assertThat(SecretMasker.mask(Json.tree(values)).toString()).isEqualTo("{\"password\":\"***\","
                + "\"DB_PASSWD\":\"***\",\"pwd\":\"***\",\"client_secret\":\"***\",\"Api_Token\":\"***\","
                + "\"credentials\":[\"***\",\"***\"],\"auth\":{\"user\":\"***\"},\"apikey\":\"***\","
                + "\"API_KEY\":\"***\",\"private_key\":\"***\",\"unset_token\":null,\"empty_secret\":\"\"}");
    }

    @Test
    void leavesRoutingKeysAndOrdinarySettingsAlone() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("keys", List.of("in.gen.track"));
        values.put("key", "key");
        values.put("key_prefix", "in.gen.track");
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
        assertThat(SecretMasker.mask(Json.tree(values)).toString()).isEqualTo("{"
                + "\"redis_dsn\":\"redis://:***@redis:6379/0\","
                + "\"ch_dsn\":\"http://default:***@clickhouse:8123/db?x=1\","
                + "\"nested\":{\"urls\":[\"amqp://user:***@mq/vhost\"]},"
                + "\"plain\":\"redis://redis:6379\","
                + "\"user_only\":\"https://user@example.com/a:b@c\"}");
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
