package io.wirespeed.lb.synproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SynCookiesTest {
    private static final long MINUTE = 60_000_000_000L;
    private static final long C = 0xC612_0002L; // 198.18.0.2
    private static final long V = 0xC612_0064L; // 198.18.0.100
    private final SynCookies cookies = new SynCookies(new SipHash13(0x0123456789ABCDEFL, 0x0FEDCBA987654321L));

    @Test
    void aCookieGivesBackItsMssIndexWithinTwoMinutesAndNotAfter() {
        long t = 1000 * MINUTE + 7;
        for (int index = 0; index < 4; index++) {
            int cookie = cookies.cookie(0, C, 40000, 0, V, 80, 0xFFFF_FFF0, index, t);
            assertEquals(index, cookies.check(0, C, 40000, 0, V, 80, 0xFFFF_FFF0, cookie, false, t));
            assertEquals(index, cookies.check(0, C, 40000, 0, V, 80, 0xFFFF_FFF0, cookie, false, t + MINUTE),
                    "still good in the next minute");
            assertEquals(-1, cookies.check(0, C, 40000, 0, V, 80, 0xFFFF_FFF0, cookie, false, t + 2 * MINUTE),
                    "too old two minutes on");
        }
    }

    @Test
    void anotherTupleOrIsnOrAForgedValueIsRefused() {
        long t = 5 * MINUTE;
        int cookie = cookies.cookie(0, C, 40000, 0, V, 80, 1000, 3, t);
        assertEquals(-1, cookies.check(0, C, 40001, 0, V, 80, 1000, cookie, false, t), "other client port");
        assertEquals(-1, cookies.check(0, C + 1, 40000, 0, V, 80, 1000, cookie, false, t), "other client");
        assertEquals(-1, cookies.check(0, C, 40000, 0, V, 81, 1000, cookie, false, t), "other VIP port");
        // The ISN is added, not hashed (as in Linux): one that is off by k moves the index by -k, so it
        // is refused unless k is smaller than the index; the hashes bind the cookie to the tuple.
        assertEquals(-1, cookies.check(0, C, 40000, 0, V, 80, 1000 + 5000, cookie, false, t), "other client ISN");
        int accepted = 0;
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            if (cookies.check(0, C, 40000, 0, V, 80, 1000, random.nextInt(), false, t) >= 0) {
                accepted++;
            }
        }
        // 2 minutes x 4 indexes out of 2^32 values: about 2^-22 per guess, so 0 expected in 200k
        assertTrue(accepted <= 1, accepted + " random cookies accepted");
    }

    @Test
    void ipv6TuplesAndTheirMssTable() {
        long t = 3 * MINUTE;
        int cookie = cookies.cookie(0x20010db800000000L, 2, 5555, 0x20010db800000000L, 0x100, 443, -7, 2, t);
        assertEquals(2, cookies.check(0x20010db800000000L, 2, 5555, 0x20010db800000000L, 0x100, 443, -7, cookie, true, t));
        assertEquals(1440, SynCookies.mss(true, 2));
        assertEquals(3, SynCookies.mssIndex(true, 9000));
        assertEquals(0, SynCookies.mssIndex(true, 1280));
    }

    @Test
    void theMssIndexIsTheLargestTableEntryNotAboveTheClientsMss() {
        assertEquals(3, SynCookies.mssIndex(false, 1460));
        assertEquals(2, SynCookies.mssIndex(false, 1459));
        assertEquals(1, SynCookies.mssIndex(false, 1400));
        assertEquals(0, SynCookies.mssIndex(false, 1000));
        assertEquals(0, SynCookies.mssIndex(false, 100));
        assertEquals(536, SynCookies.mss(false, 0));
    }

    @Test
    void optionsRideInTheLowBitsOfTheTimestampNeverAheadOfNow() {
        int now = 0x1234_5678;
        int ts = SynCookies.encodeOptions(now, 7, true, false);
        assertTrue(Integer.compareUnsigned(ts, now) <= 0, "not from the future");
        assertTrue(now - ts < 64, "at most 63 behind");
        assertEquals(7, SynCookies.wscale(ts));
        assertTrue(SynCookies.sack(ts));
        assertFalse(SynCookies.ecn(ts));
        int none = SynCookies.encodeOptions(now, -1, false, true);
        assertEquals(-1, SynCookies.wscale(none));
        assertFalse(SynCookies.sack(none));
        assertTrue(SynCookies.ecn(none));
        assertEquals(14, SynCookies.wscale(SynCookies.encodeOptions(now, 20, false, false)), "RFC 7323 caps the shift at 14");
        int low = SynCookies.encodeOptions(0x40, 3, false, false);
        assertEquals(3, SynCookies.wscale(low));
        assertTrue(Integer.compareUnsigned(low, 0x40) <= 0);
    }
}
