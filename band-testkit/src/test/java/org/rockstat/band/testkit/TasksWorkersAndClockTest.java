package org.rockstat.band.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tasks run now, workers awaited and time moved by hand, on the embedded bus and on a real redis-server. */
class TasksWorkersAndClockTest {

    static BandServiceExtension extension(Shop shop, ManualClock clock, boolean redis) {
        BandServiceExtension extension = BandServiceExtension.of(shop)
                .setting("name", "shop")
                .stub("geo", geo -> geo.on("rates").answers(call -> Map.of("usd", 1.08)))
                .clock(clock);
        return redis ? extension.redis() : extension;
    }

    abstract static class Suite {
        abstract BandServiceExtension band();

        abstract Shop shop();

        abstract ManualClock clock();

        @Test
        void aTaskRunsNowAndItsFailureReachesTheTest() {
            int before = shop().refreshes.size();
            int asked = band().stub("geo").calls("rates").size();
            band().runTask("refresh");
            assertThat(shop().refreshes).hasSize(before + 1);
            assertThat(shop().refreshes.getLast()).isEqualTo(clock().instant());
            assertThat(band().stub("geo").calls("rates")).hasSize(asked + 1);
            assertThat(shop().rates).isEqualTo(Map.of("usd", 1.08));

            shop().failNextRefresh.set(true);
            assertThatThrownBy(() -> band().runTask("refresh"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("Task 'refresh' failed: java.lang.IllegalStateException: rates feed is down")
                    .cause()
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> band().runTask("nope"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("No task named 'nope'")
                    .hasMessageContaining("Shop.refresh");
        }

        @Test
        void workersAreAwaitedAndTheirFailuresReachTheTest() {
            band().awaitWorkerStarted("load");
            assertThat(band().band().workerFinished("load").toCompletableFuture())
                    .isNotDone();

            band().awaitWorkerFinished("once");
            assertThat(shop().onceRuns).hasValue(1);

            assertThatThrownBy(() -> band().awaitWorkerFinished("broken"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("Worker 'broken' failed: java.io.IOException: disk full")
                    .cause()
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> band().awaitWorkerStarted("nope"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Shop.load");
        }

        @Test
        void advancingTheClockRunsEveryDueIntervalTaskAtItsTime() {
            Instant start = clock().instant();
            int before = shop().refreshes.size();
            int asked = band().stub("geo").calls("rates").size();

            // the next run is due within a minute, wherever earlier tests left the clock
            assertThat(clock().advance(Duration.ofMinutes(3))).isEqualTo(start.plus(Duration.ofMinutes(3)));
            var runs = java.util.List.copyOf(
                    shop().refreshes.subList(before, shop().refreshes.size()));
            assertThat(runs)
                    .hasSize(3)
                    .allSatisfy(at -> assertThat(at).isAfter(start).isBeforeOrEqualTo(clock().instant()));
            assertThat(Duration.between(runs.get(0), runs.get(1))).isEqualTo(Duration.ofMinutes(1));
            assertThat(Duration.between(runs.get(1), runs.get(2))).isEqualTo(Duration.ofMinutes(1));
            assertThat(band().stub("geo").calls("rates")).hasSize(asked + 3);

            Instant next = runs.getLast().plus(Duration.ofMinutes(1));
            clock().advanceTo(next.minusNanos(1));
            assertThat(shop().refreshes).hasSize(before + 3);
            clock().advance(Duration.ofNanos(1));
            assertThat(shop().refreshes).hasSize(before + 4);
            assertThat(shop().refreshes.getLast()).isEqualTo(next);
        }

        @Test
        void aCronTaskRunsAtItsTimeInTheClocksZone() {
            ZonedDateTime now = ZonedDateTime.now(clock());
            ZonedDateTime nine = now.with(LocalTime.of(9, 0));
            if (!nine.isAfter(now)) {
                nine = nine.plusDays(1);
            }
            int before = shop().reports.size();

            clock().advanceTo(nine.toInstant().minusSeconds(1));
            assertThat(shop().reports).hasSize(before);

            clock().advance(Duration.ofSeconds(1));
            assertThat(shop().reports).hasSize(before + 1);
            assertThat(shop().reports.getLast()).isEqualTo(nine.toInstant());
        }

        @Test
        void methodsReadTheInjectedClock() {
            assertThat(band().call("now", null)).isEqualTo(clock().instant().toString());
            clock().advance(Duration.ofSeconds(10));
            assertThat(band().call("now", null)).isEqualTo(clock().instant().toString());
        }
    }

    @Nested
    class Embedded extends Suite {
        static final Shop SHOP = new Shop();
        static final ManualClock CLOCK = ManualClock.at("2025-01-01T08:50:30Z");

        @RegisterExtension
        static final BandServiceExtension BAND = extension(SHOP, CLOCK, false);

        @Override
        BandServiceExtension band() {
            return BAND;
        }

        @Override
        Shop shop() {
            return SHOP;
        }

        @Override
        ManualClock clock() {
            return CLOCK;
        }

        @Test
        void theFirstRunOfAnIntervalTaskIsOverBeforeTheFirstTest() {
            assertThat(SHOP.refreshes).isNotEmpty();
            assertThat(SHOP.refreshes.getFirst()).isEqualTo(Instant.parse("2025-01-01T08:50:30Z"));
        }
    }

    @Nested
    class OnRedis extends Suite {
        static final Shop SHOP = new Shop();
        static final ManualClock CLOCK = ManualClock.at("2025-06-30T08:50:00Z");

        @RegisterExtension
        static final BandServiceExtension BAND = extension(SHOP, CLOCK, true);

        @Override
        BandServiceExtension band() {
            return BAND;
        }

        @Override
        Shop shop() {
            return SHOP;
        }

        @Override
        ManualClock clock() {
            return CLOCK;
        }
    }
}
