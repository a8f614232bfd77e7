package org.rockstat.band.internal.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.rockstat.band.job.Schedule;

/** The planning step of the task loop, with a fixed clock instead of real waiting. */
class TaskSchedulerTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    private static Clock at(String instant, ZoneId zone) {
        return Clock.fixed(Instant.parse(instant), zone);
    }

    private static ZonedDateTime utc(String instant) {
        return Instant.parse(instant).atZone(UTC);
    }

    @Test
    void cronFirstRunIsTheNextWholeMinute() {
        ZonedDateTime next =
                TaskScheduler.nextRun(Schedule.cron("* * * * *"), null, at("2026-11-29T06:40:01.123Z", UTC));

        assertThat(next.toInstant()).isEqualTo(Instant.parse("2026-11-29T06:41:00Z"));
    }

    @Test
    void cronAfterARunPlansTheFollowingMinute() {
        Schedule cron = Schedule.cron("* * * * *");

        ZonedDateTime afterRun =
                TaskScheduler.nextRun(cron, utc("2026-11-29T06:41:00Z"), at("2026-11-29T06:41:00.050Z", UTC));
        ZonedDateTime wokeEarly =
                TaskScheduler.nextRun(cron, utc("2026-11-29T06:41:00Z"), at("2026-11-29T06:40:59.990Z", UTC));

        assertThat(afterRun.toInstant()).isEqualTo(Instant.parse("2026-11-29T06:42:00Z"));
        assertThat(wokeEarly.toInstant())
                .as("never the same slot twice")
                .isEqualTo(Instant.parse("2026-11-29T06:42:00Z"));
    }

    @Test
    void cronUsesTheClocksZone() {
        ZoneId moscow = ZoneId.of("Europe/Moscow"); // UTC+3, no DST
        ZonedDateTime next =
                TaskScheduler.nextRun(Schedule.cron("0 9 * * *"), null, at("2026-11-29T05:00:00Z", moscow));

        assertThat(next.toInstant()).isEqualTo(Instant.parse("2026-11-29T06:00:00Z"));
    }

    @Test
    void everyRunsFirstAtOnceThenEachPeriodSkippingSlotsAnOverrunCovered() {
        Schedule every = Schedule.every("30s");

        ZonedDateTime first = TaskScheduler.nextRun(every, null, at("2026-11-29T06:40:01Z", UTC));
        ZonedDateTime second = TaskScheduler.nextRun(every, first, at("2026-11-29T06:40:02Z", UTC));
        ZonedDateTime afterOverrun = TaskScheduler.nextRun(every, second, at("2026-11-29T06:41:45Z", UTC));

        assertThat(first.toInstant()).isEqualTo(Instant.parse("2026-11-29T06:40:01Z"));
        assertThat(second.toInstant()).isEqualTo(Instant.parse("2026-11-29T06:40:31Z"));
        assertThat(afterOverrun.toInstant()).isEqualTo(Instant.parse("2026-11-29T06:42:01Z"));
    }
}
