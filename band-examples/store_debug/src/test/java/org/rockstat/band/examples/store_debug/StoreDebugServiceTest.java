package org.rockstat.band.examples.store_debug;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.Band;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.testing.HttpProbe;

/** The store_debug example: a listener that counts events. */
class StoreDebugServiceTest {

    @Test
    void registersOneListener() {
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "store_debug")))
                .service(new StoreDebugService()).build();
        assertThat(Json.write(model.register())).isEqualTo("[{\"method\":\"broadcast\",\"role\":\"listener\",\"options\":{}}]");
    }

    @Test
    void countsEveryBroadcastEvent() {
        try (Band band = Band.create(Path.of(""), Map.of("HOST", "127.0.0.1", "PORT", "0"))
                .service(new StoreDebugService()).start();
             HttpProbe http = HttpProbe.local(band.httpPort())) {
            assertThat(band.settings().rpcFlag("listen_all")).isTrue();
            assertThat(http.get("/stats").body()).isEqualTo("{\"received\":0}");
            String event = "{\"key\":\"in.gen.track.click\",\"service\":\"track\",\"name\":\"click\",\"channel\":\"http\","
                    + "\"projectId\":1,\"uid\":\"u1\",\"td\":{\"ip\":\"1.2.3.4\"},\"data\":{},\"id\":\"e1\",\"time\":1}";
            assertThat(http.post("/broadcast", event).status()).isEqualTo(200);
            assertThat(http.post("/broadcast", event.replace("e1", "e2")).status()).isEqualTo(200);
            assertThat(http.get("/stats").body()).isEqualTo("{\"received\":2}");
        }
    }
}
