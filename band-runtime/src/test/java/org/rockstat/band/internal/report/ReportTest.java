package org.rockstat.band.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.rockstat.band.fixtures.LogCapture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wire text in log lines, rate-limited lines and counted drops (issue 9, B and F.13). */
class ReportTest {
    private static final Logger log = LoggerFactory.getLogger(ReportTest.class);

    @Test
    void wireTextCannotForgeALineAndAHugeValueWritesAShortOne() {
        assertThat(WireText.of("evil\nWARN forged\r\u0007\u2028x\\").toString())
                .isEqualTo("evil\\nWARN forged\\r\\u0007\\u2028x\\\\");
        String huge = "f".repeat(900_000);
        assertThat(WireText.of(huge).toString())
                .hasSize(WireText.LIMIT + " (900000 chars)".length() + 3)
                .endsWith("... (900000 chars)");
        assertThat(WireText.of(null).toString()).isEqualTo("null");
    }

    @Test
    void aKindOfProblemIsLoggedOncePerIntervalAndTheNextLineCountsWhatWasHeldBack() {
        AtomicLong now = new AtomicLong();
        RateLimitedLog limited = new RateLimitedLog(log, Duration.ofSeconds(10), now::get);
        try (LogCapture captured = LogCapture.of(ReportTest.class)) {
            for (int i = 0; i < 10_000; i++) {
                limited.warn("not-json", "Dropped a message: {}", i);
            }
            limited.warn("other", "Another kind");
            assertThat(captured.messages()).containsExactly("Dropped a message: 0", "Another kind");
            now.addAndGet(Duration.ofSeconds(10).toNanos());
            limited.warn("not-json", "Dropped a message: {}", "again");
            assertThat(captured.messages())
                    .last()
                    .isEqualTo("Dropped a message: again (and 9999 more like it since the last such line)");
        }
    }

    @Test
    void everyDropIsCountedEvenWhenItsLineIsHeldBack() {
        Drops drops = new Drops(log, Duration.ofMinutes(1));
        try (LogCapture captured = LogCapture.of(ReportTest.class)) {
            for (int i = 0; i < 1_669; i++) {
                drops.drop("queue-full", "Dropped a notification for {}", "store");
            }
            drops.drop("answer-lost", "An answer was not sent");
            assertThat(drops.count("queue-full")).isEqualTo(1_669);
            assertThat(drops.counts())
                    .containsExactly(java.util.Map.entry("answer-lost", 1L), java.util.Map.entry("queue-full", 1_669L));
            assertThat(captured.messages()).hasSize(2);
            assertThat(captured.at(ch.qos.logback.classic.Level.WARN)).hasSize(2);
        }
    }
}
