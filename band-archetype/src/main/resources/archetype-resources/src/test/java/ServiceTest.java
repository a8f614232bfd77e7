package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.testkit.BandServiceExtension;
import org.rockstat.band.testing.DockerfileContract;

/** The service as front and director see it, started from its own config.yaml. */
class ServiceTest {
    @RegisterExtension
    static final BandServiceExtension band = BandServiceExtension.of(Service::new).config(Path.of(""));

    @Test
    void registersItsHandler() {
        assertThat(band.director().registerJson()).isEqualTo("[{\"method\":\"hello\",\"role\":\"handler\",\"options\":{}}]");
    }

    @Test
    void answersFrontWithTheEventName() {
        Object result = band.front().event("${serviceName}", "hello").ip("1.2.3.4").call();
        assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("text", "Hello from ${serviceName}").containsEntry("event", "hello");
        assertThat(band.http().get("/__status").status()).isEqualTo(200);
    }

    @Test
    void containerBuildsFromThisFolder() {
        DockerfileContract.verify(Path.of(""));
    }
}
