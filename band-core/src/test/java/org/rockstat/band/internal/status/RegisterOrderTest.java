package org.rockstat.band.internal.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.annotation.Enricher;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.registry.ServiceModel;

/** The register is byte-for-byte stable: props keep the order they were written in. */
class RegisterOrderTest {

    public static final class Written {
        @Enricher(
                keys = "in.gen.track",
                props = {"key=key", "ip=td.ip", "ua=td.ua", "ref=td.ref"})
        public Object enrich(String ip) {
            return ip;
        }
    }

    public static final class FromSettings {
        @Enricher(keys = "${key_prefix}", props = "${props}")
        public Object enrich(String ip) {
            return ip;
        }
    }

    @Test
    void propsKeepTheirOrder() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("key", "key");
        props.put("ip", "td.ip");
        props.put("ua", "td.ua");
        props.put("ref", "td.ref");
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("name", "mmgeo");
        tree.put("key_prefix", "in.gen.track");
        tree.put("props", props);
        Settings settings = Settings.of(tree);
        String expected = "[{\"method\":\"enrich\",\"role\":\"enricher\",\"options\":{\"keys\":[\"in.gen.track\"],"
                + "\"props\":{\"key\":\"key\",\"ip\":\"td.ip\",\"ua\":\"td.ua\",\"ref\":\"td.ref\"}}}]";
        assertThat(Json.write(RegisterList.of(
                        ServiceModel.builder(settings).service(new Written()).build())))
                .isEqualTo(expected);
        assertThat(Json.write(RegisterList.of(ServiceModel.builder(settings)
                        .service(new FromSettings())
                        .build())))
                .isEqualTo(expected);
    }
}
