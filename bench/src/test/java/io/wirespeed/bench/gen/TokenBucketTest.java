package io.wirespeed.bench.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long MS = 1_000_000;

    @Test
    void startsEmptyAndEarnsTheRate() {
        TokenBucket b = new TokenBucket(20_000, 32, 0);
        assertEquals(0, b.available(0));
        assertEquals(20, b.available(MS)); // 20 kpps = 20 per ms
        b.take(20);
        assertEquals(0, b.available(MS));
        assertEquals(10, b.available(MS + MS / 2));
    }

    @Test
    void holdsAtMostOneBurstAfterAnIdlePeriod() {
        TokenBucket b = new TokenBucket(1_000_000, 32, 0);
        assertEquals(32, b.available(10_000 * MS)); // 10 s idle at 1 Mpps would be 10 M tokens
        b.take(32);
        assertEquals(0, b.available(10_000 * MS));
    }

    @Test
    void tellsHowLongToWaitForABurst() {
        TokenBucket b = new TokenBucket(1000, 4, 0);
        assertEquals(4 * MS, b.nanosUntil(4, 0));
        assertEquals(3 * MS, b.nanosUntil(4, MS));
        assertEquals(0, b.nanosUntil(4, 4 * MS));
        assertEquals(4, b.available(4 * MS));
    }

    @Test
    void rateWithoutRoundingNeedsNoWholeNanoseconds() {
        TokenBucket b = new TokenBucket(3, 1, 0); // one packet every 333 333 333.3 ns
        assertEquals(333_333_334, b.nanosUntil(1, 0));
        assertEquals(0, b.available(333_333_333));
        assertEquals(1, b.available(333_333_334));
    }

    @Test
    void aLongRunInUnevenStepsSendsExactlyTheRate() {
        long rate = 123_457;
        TokenBucket b = new TokenBucket(rate, 32, 0);
        Random random = new Random(7);
        long now = 0;
        long sent = 0;
        long end = 10_000 * MS;
        while (now < end) {
            now = Math.min(end, now + random.nextInt(150_000)); // steps shorter than a full bucket
            int n = b.available(now);
            b.take(n);
            sent += n;
        }
        assertTrue(Math.abs(sent - rate * 10) <= 1, "sent " + sent + " in 10 s at " + rate + " pps");
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 32, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1000, 0, 0));
    }
}
