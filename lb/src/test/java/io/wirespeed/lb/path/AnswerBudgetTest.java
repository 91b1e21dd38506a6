package io.wirespeed.lb.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The answer budget on a clock the test moves: burst at once, then the rate, never more than the burst saved up. */
class AnswerBudgetTest {
    private static final long MS = 1_000_000L;

    private static int takes(AnswerBudget budget, long now, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            if (budget.tryTake(now)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void burstAtOnceThenOnePerInterval() {
        AnswerBudget budget = new AnswerBudget(1000, 50, 0);
        assertEquals(50, takes(budget, 0, 200), "the burst, then nothing at the same instant");
        assertFalse(budget.tryTake(MS - 1), "not before a whole interval");
        assertTrue(budget.tryTake(MS), "one token a millisecond at 1000/s");
        assertEquals(10, takes(budget, 11 * MS, 100), "ten more intervals, ten more tokens");
    }

    @Test
    void idleTimeSavesNoMoreThanTheBurst() {
        AnswerBudget budget = new AnswerBudget(1000, 50, 0);
        takes(budget, 0, 50);
        assertEquals(50, takes(budget, 3_600_000 * MS, 500), "an hour idle refills the burst, not 3.6 million");
    }

    @Test
    void aClockThatRanAheadEarnsNothingUntilTimeCatchesUp() {
        AnswerBudget budget = new AnswerBudget(1000, 5, 10 * MS);
        assertEquals(5, takes(budget, 0, 10), "the burst is there from the start");
        assertEquals(0, takes(budget, 5 * MS, 10), "before the start instant: no refill");
        assertEquals(1, takes(budget, 11 * MS, 10));
    }

    @Test
    void refusesANonsenseRate() {
        assertThrows(IllegalArgumentException.class, () -> new AnswerBudget(0, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new AnswerBudget(10, 0, 0));
    }
}
