package io.wirespeed.control.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.health.PassiveHealth.Transition;
import io.wirespeed.lb.service.ConnectOutcomes.Totals;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The passive verdict on a hand-driven clock: threshold, window, back-off doubling, cap and reset. */
class PassiveHealthTest {
    private static final long S = 1_000_000_000L, MS = 1_000_000L;
    /** 3 failures in 10 s; back-off 2 s, at most 8 s. */
    private final PassiveCheck check = new PassiveCheck(3, Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(8));
    private final PassiveHealth health = new PassiveHealth(check, Totals.ZERO);
    private long established, resets, timeouts;

    private Transition at(long nanos) {
        return health.update(nanos, new Totals(established, resets, timeouts));
    }

    /** Fails three times (resets) at {@code from}, 100 ms apart; returns what the last update did. */
    private Transition failThrice(long from) {
        Transition last = Transition.NONE;
        for (int i = 0; i < 3; i++) {
            resets++;
            last = at(from + i * 100 * MS);
        }
        return last;
    }

    @Test
    void failuresUpToTheThresholdWithinTheWindowTakeTheServerOut() {
        resets++;
        assertEquals(Transition.NONE, at(1 * S));
        timeouts++;
        assertEquals(Transition.NONE, at(2 * S));
        resets++;
        assertEquals(Transition.EJECT, at(3 * S));
        assertTrue(health.out());
        assertEquals("passive: 2 resets, 1 timeout in 10s, back-off 2s", health.reason());
        assertEquals(2 * S, health.backoffNanos());
        assertEquals(1, health.ejections());
    }

    @Test
    void failuresOlderThanTheWindowDoNotCount() {
        resets += 2;
        at(1 * S);
        resets++;
        assertEquals(Transition.NONE, at(11 * S + 1), "the two of second 1 left the 10 s window");
        resets++;
        assertEquals(Transition.NONE, at(12 * S));
        resets++;
        assertEquals(Transition.EJECT, at(13 * S));
    }

    @Test
    void anEstablishedConnectionForgetsTheFailuresBeforeIt() {
        resets += 2;
        at(1 * S);
        established++;
        at(2 * S);
        resets += 2;
        assertEquals(Transition.NONE, at(3 * S), "2 failures since the success");
        resets++;
        assertEquals(Transition.EJECT, at(4 * S));
    }

    @Test
    void outcomesWhileOutAreIgnoredAndTheServerIsRestoredWhenTheBackOffEnds() {
        assertEquals(Transition.EJECT, failThrice(0));
        long ejectedAt = 200 * MS;
        resets += 50; // stragglers of connections made before the ejection
        assertEquals(Transition.NONE, at(ejectedAt + 1 * S));
        assertEquals(Transition.NONE, at(ejectedAt + 2 * S - 1));
        assertEquals(Transition.RESTORE, at(ejectedAt + 2 * S));
        assertFalse(health.out());
        resets++;
        assertEquals(Transition.NONE, at(ejectedAt + 2 * S + 100 * MS), "a fresh window: the stragglers are not in it");
    }

    @Test
    void theBackOffDoublesOnEachEjectionUpToTheCapAndStartsAgainAfterAHealthyStretch() {
        long now = 0;
        long[] expected = {2, 4, 8, 8};
        for (long seconds : expected) {
            assertEquals(Transition.EJECT, failThrice(now));
            assertEquals(seconds * S, health.backoffNanos());
            now += 200 * MS + seconds * S;
            assertEquals(Transition.RESTORE, at(now));
            now += 1 * S; // back in for a second: not long enough to be forgiven
        }
        now += 8 * S; // in for max_backoff in a row
        assertEquals(Transition.EJECT, failThrice(now));
        assertEquals(2 * S, health.backoffNanos(), "a server that stayed in for max_backoff starts again at backoff");
        assertEquals(5, health.ejections());
    }

    @Test
    void aLongBackOffSeriesNeverOverflows() {
        PassiveCheck wide = new PassiveCheck(1, Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofHours(24));
        PassiveHealth h = new PassiveHealth(wide, Totals.ZERO);
        long now = 0, failures = 0;
        for (int i = 0; i < 80; i++) {
            assertEquals(Transition.EJECT, h.update(now, new Totals(0, ++failures, 0)));
            assertTrue(h.backoffNanos() > 0 && h.backoffNanos() <= Duration.ofHours(24).toNanos(), "round " + i);
            now += h.backoffNanos() + 200 * MS;
            assertEquals(Transition.RESTORE, h.update(now, new Totals(0, failures, 0)));
        }
        assertEquals(Duration.ofHours(24).toNanos(), h.backoffNanos());
    }

    @Test
    void countsFromBeforeTheCheckWasSetAreNotHeldAgainstTheServer() {
        PassiveHealth h = new PassiveHealth(check, new Totals(10, 500, 70));
        assertEquals(Transition.NONE, h.update(1 * S, new Totals(10, 502, 70)));
        assertEquals(Transition.EJECT, h.update(2 * S, new Totals(10, 503, 70)));
    }
}
