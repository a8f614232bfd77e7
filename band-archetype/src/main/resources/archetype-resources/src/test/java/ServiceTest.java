package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.fixtures.DockerfileContract;
import org.rockstat.band.testkit.BandServiceExtension;
import org.rockstat.band.testkit.ManualClock;

/** The service as front, director and its peers see it, started from its own config.yaml. */
class ServiceTest {
    /** Stands still until a test moves it: report() runs when the clock passes a minute. */
    static final ManualClock clock = ManualClock.at("2025-01-01T09:00:30Z");

    @RegisterExtension
    static final BandServiceExtension band = BandServiceExtension.of(Service::new)
            .config(Path.of(""))
            .stub("stats", stats -> stats.on("requests").returns(null))   // the service report() notifies
            .clock(clock);

    @Test
    void registersItsHandler() {
        assertThat(band.director().registerJson()).isEqualTo("[{\"method\":\"hello\",\"role\":\"handler\",\"options\":{}}]");
    }

    @Test
    void answersFront() {
        Object result = band.front().event("${serviceName}", "hello").ip("1.2.3.4").call();
        assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("text", "Hello, world!");
    }

    @Test
    void answersHttpWithTheQuery() {
        assertThat(band.http().get("/hello?who=Ann").bodyJson().path("text").asText()).isEqualTo("Hello, Ann!");
        assertThat(band.http().get("/__status").status()).isEqualTo(200);
        assertThat(band.http().get("/__health/ready").status()).isEqualTo(200);
    }

    /** An @Expose method, called as another service would, its result decoded into the record. */
    @Test
    void countsRequestsInItsStats() {
        long before = band.callAs("stats", Map.of(), Service.Stats.class).requests();
        band.http().get("/hello");
        assertThat(band.callAs("stats", Map.of(), Service.Stats.class).requests()).isEqualTo(before + 1);
    }

    /** The task run now, then twice on its schedule by moving the clock; the stub records each report. */
    @Test
    void reportsToTheStatsServiceEveryMinute() {
        band.runTask("report");
        clock.advance(Duration.ofMinutes(2));
        var reports = band.stub("stats").awaitCalls("requests", 3);
        assertThat(reports).hasSize(3).allSatisfy(report -> {
            assertThat(report.caller()).isEqualTo("${serviceName}");
            assertThat(report.params()).containsEntry("service", "${serviceName}").containsKey("count");
        });
    }

    @Test
    void loadsInItsWorker() {
        band.awaitWorkerStarted("load");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> band.callAs("stats", Map.of(), Service.Stats.class).loaded());
    }

    /** What director needs of this folder (labels as in meta.yml, .dockerignore, classic builder syntax). */
    @Test
    void containerFilesKeepDirectorsContract() {
        DockerfileContract.verify(Path.of(""));
    }
}
