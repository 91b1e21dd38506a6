package io.wirespeed.lb.protect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** Buckets driven by a clock of our own: what passes depends on the rate and the time, nothing else. */
class TokenBucketTest {
    /** Takes {@code units} at {@code now} from a bucket held in {@code state[0]}; true if it had room. */
    private static boolean take(long[] state, long now, long rate, long units) {
        long next = TokenBucket.take(state[0], now, rate, units);
        if (next == TokenBucket.REFUSED) {
            return false;
        }
        state[0] = next;
        return true;
    }

    @Test
    void aFullBucketPassesOneSecondsWorthThenTheRate() {
        long now = -5_000_000_000L; // nanoTime may be negative: the arithmetic works on differences
        long[] state = {TokenBucket.full(now)};
        int passed = 0;
        for (int i = 0; i < 100; i++) {
            passed += take(state, now, 20, 1) ? 1 : 0;
        }
        assertEquals(20, passed, "the burst: one second of 20/s");
        // then 10 s at 1000 attempts per second: 20 per second pass
        passed = 0;
        for (int ms = 1; ms <= 10_000; ms++) {
            passed += take(state, now + ms * 1_000_000L, 20, 1) ? 1 : 0;
        }
        assertEquals(200, passed, "20/s for 10 s");
    }

    @Test
    void anIdleBucketFillsUpToOneSecondAndNoFurther() {
        long[] state = {TokenBucket.full(0)};
        long later = 3_600 * TokenBucket.SECOND;
        int passed = 0;
        for (int i = 0; i < 1000; i++) {
            passed += take(state, later, 50, 1) ? 1 : 0;
        }
        assertEquals(50, passed, "an hour idle still gives one second's burst");
    }

    @Test
    void bytesAreWeighedByLength() {
        long[] state = {TokenBucket.full(0)};
        int passed = 0;
        for (int i = 0; i < 100; i++) {
            passed += take(state, 0, 15_000, 1500) ? 1 : 0;
        }
        assertEquals(10, passed, "15000 B/s: ten 1500-byte packets");
        assertNotEquals(TokenBucket.REFUSED, TokenBucket.take(TokenBucket.full(0), 0, 100, 1500),
                "a packet longer than a second's bytes still passes a full bucket");
    }
}
