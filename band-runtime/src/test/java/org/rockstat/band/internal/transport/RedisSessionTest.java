package org.rockstat.band.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The watchdog's verdict on a session, from what it knows (nanosecond clock readings). The
 * integration side (a real half-open cut, a real burst) is in {@code DeafSubscriberTest} and
 * {@code BurstTest}; this pins down each proof, including the two cases that tore healthy
 * sessions down on a loaded machine when only a canary back counted: a canary stuck behind a
 * burst, and a canary never written because the writer had no CPU.
 */
class RedisSessionTest {
    private static final long MS = 1_000_000L;
    private static final long TIMEOUT = 3_000 * MS;
    private static final long T0 = -5_000_000 * MS; // nanoTime may be negative: the verdict must not care

    private static RedisSession session(boolean proven, long canaryWritten) {
        RedisSession s = new RedisSession();
        s.proven = proven;
        s.canaryWritten(canaryWritten);
        return s;
    }

    @Test
    void aCanaryOutForLessThanTheTimeoutIsNoVerdict() {
        assertThat(session(true, T0).deafness(T0 + 3_000 * MS, TIMEOUT, false)).isNull();
    }

    @Test
    void aCanaryNotBackForTheTimeoutIsDeafCountedFromTheFirstOneWritten() {
        RedisSession s = session(true, T0);
        s.canaryWritten(T0 + 1_000 * MS); // a second canary does not restart the clock
        assertThat(s.deafness(T0 + 3_500 * MS, TIMEOUT, false)).isEqualTo("deaf: no canary came back for 3500 ms");
    }

    @Test
    void aCanaryBackClearsTheWait() {
        RedisSession s = session(true, T0);
        s.canaryArrived();
        assertThat(s.deafness(T0 + 10_000 * MS, TIMEOUT, false)).isNull();
        s.canaryWritten(T0 + 10_000 * MS);
        assertThat(s.deafness(T0 + 12_000 * MS, TIMEOUT, false)).isNull();
        assertThat(s.deafness(T0 + 13_100 * MS, TIMEOUT, false)).isEqualTo("deaf: no canary came back for 3100 ms");
    }

    @Test
    void noCanaryWrittenIsNoVerdictAStarvedWriterIsNotADeafSubscription() {
        RedisSession s = new RedisSession();
        s.proven = true;
        assertThat(s.deafness(T0 + 60_000 * MS, TIMEOUT, false)).isNull();
    }

    @Test
    void aSessionThatNeverHeardACanaryIsDeafAfterTheTimeout() {
        RedisSession s = session(false, T0);
        assertThat(s.deafness(T0 + 2_000 * MS, TIMEOUT, false)).isNull();
        assertThat(s.deafness(T0 + 3_200 * MS, TIMEOUT, false)).isEqualTo("no canary came back within 3200 ms");
    }

    @Test
    void underABurstMessagesArrivingAndCanariesTakenByRedisHoldTheSession() {
        RedisSession s = session(true, T0);
        s.lastHeardNanos = T0 + 9_900 * MS;
        s.lastCanaryTakenNanos = T0 + 9_500 * MS;
        assertThat(s.deafness(T0 + 10_000 * MS, TIMEOUT, false)).isNull();
    }

    @Test
    void messagesArrivingDoNotHoldASessionWhosePublishesRedisNoLongerTakes() {
        RedisSession s = session(true, T0);
        s.lastHeardNanos = T0 + 9_900 * MS;
        s.lastCanaryTakenNanos = T0 + 5_000 * MS;
        assertThat(s.deafness(T0 + 10_000 * MS, TIMEOUT, false)).isEqualTo("deaf: no canary came back for 10000 ms");
    }

    @Test
    void canariesTakenWithNothingArrivingIsAHalfOpenSubscription() {
        RedisSession s = session(true, T0);
        s.lastHeardNanos = T0 + 1_000 * MS;
        s.lastCanaryTakenNanos = T0 + 9_900 * MS;
        assertThat(s.deafness(T0 + 10_000 * MS, TIMEOUT, false)).isEqualTo("deaf: no canary came back for 10000 ms");
    }

    @Test
    void whileReadingIsPausedCanariesTakenByRedisAreEnough() {
        RedisSession s = session(true, T0);
        s.lastCanaryTakenNanos = T0 + 9_900 * MS;
        assertThat(s.deafness(T0 + 10_000 * MS, TIMEOUT, true)).isNull();
        s.lastCanaryTakenNanos = T0 + 6_000 * MS;
        assertThat(s.deafness(T0 + 10_000 * MS, TIMEOUT, true)).isEqualTo("deaf: no canary came back for 10000 ms");
    }
}
