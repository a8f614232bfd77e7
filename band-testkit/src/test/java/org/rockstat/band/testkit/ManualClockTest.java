package org.rockstat.band.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.rockstat.band.Band;
import org.rockstat.band.RunningService;
import org.rockstat.band.config.Settings;
import org.rockstat.band.job.Schedule;

/** The manual clock with Band's scheduler, without the extension: stepping, settling, zones. */
class ManualClockTest {
    private static Band band(String name) {
        return Band.create(Settings.of(
                Map.of("name", name, "listen", "127.0.0.1:0", "redis_dsn", "memory://manual-clock-" + name)));
    }

    @Test
    void advancingStepsThroughEveryDueRunInTimeOrder() {
        ManualClock clock = ManualClock.at("2025-03-01T10:00:00Z");
        List<String> runs = new CopyOnWriteArrayList<>();
        try (RunningService service = band("stepping")
                .task("fast", Schedule.every("20s"), () -> runs.add("fast@" + clock.instant()))
                .task("slow", Schedule.every("30s"), () -> runs.add("slow@" + clock.instant()))
                .clock(clock)
                .start()) {
            clock.advance(Duration.ZERO);
            assertThat(runs).containsExactlyInAnyOrder("fast@2025-03-01T10:00:00Z", "slow@2025-03-01T10:00:00Z");
            runs.clear();

            assertThat(clock.advance(Duration.ofSeconds(60))).isEqualTo(Instant.parse("2025-03-01T10:01:00Z"));

            assertThat(runs.subList(0, 3))
                    .containsExactly(
                            "fast@2025-03-01T10:00:20Z", "slow@2025-03-01T10:00:30Z", "fast@2025-03-01T10:00:40Z");
            assertThat(runs.subList(3, 5))
                    .containsExactlyInAnyOrder("fast@2025-03-01T10:01:00Z", "slow@2025-03-01T10:01:00Z");
            assertThat(runs).hasSize(5);
            assertThat(service.name()).isEqualTo("stepping");
        }
    }

    @Test
    void aTaskThatDoesNotFinishFailsTheAdvanceNamingIt() {
        ManualClock clock = ManualClock.at("2025-03-01T10:00:00Z").settleWithin(Duration.ofMillis(200));
        CountDownLatch release = new CountDownLatch(1);
        try (RunningService service = band("stuck")
                .task("stuck", Schedule.every("1m"), release::await)
                .clock(clock)
                .start()) {
            assertThatThrownBy(() -> clock.advance(Duration.ZERO))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("Task(s) [stuck] still running at 2025-03-01T10:00:00Z after 200 ms");
            release.countDown();
            assertThat(clock.advance(Duration.ZERO)).isEqualTo(Instant.parse("2025-03-01T10:00:00Z"));
            service.runTask("stuck").toCompletableFuture().join();
        }
    }

    @Test
    void timeDoesNotGoBackAndZonesAreViewsOfOneTime() {
        ManualClock utc = ManualClock.at("2025-03-01T10:00:00Z");
        ManualClock moscow = utc.withZone(ZoneId.of("Europe/Moscow"));
        assertThat(moscow.getZone()).isEqualTo(ZoneId.of("Europe/Moscow"));
        assertThat(utc.getZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(moscow).isNotEqualTo(utc).isEqualTo(utc.withZone(ZoneId.of("Europe/Moscow")));

        utc.advance(Duration.ofMinutes(5));
        assertThat(moscow.instant()).isEqualTo(Instant.parse("2025-03-01T10:05:00Z"));

        assertThatThrownBy(() -> utc.advance(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not go back");
        assertThatThrownBy(() -> moscow.advanceTo(Instant.parse("2025-03-01T10:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reads 2025-03-01T10:05:00Z");
    }

    @Test
    void cronReadsTheClocksZone() {
        ManualClock clock = ManualClock.at(Instant.parse("2025-03-01T05:59:00Z"), ZoneId.of("Europe/Moscow"));
        List<Instant> runs = new CopyOnWriteArrayList<>();
        try (RunningService service = band("cron")
                .task("nine", Schedule.cron("0 9 * * *"), () -> runs.add(clock.instant()))
                .clock(clock)
                .start()) {
            clock.advance(Duration.ofSeconds(59));
            assertThat(runs).isEmpty();
            clock.advance(Duration.ofSeconds(1));
            // 09:00 in Moscow is 06:00 UTC
            assertThat(runs).containsExactly(Instant.parse("2025-03-01T06:00:00Z"));
            service.runTask("nine").toCompletableFuture().join();
            assertThat(runs).hasSize(2);
        }
    }
}
