package io.wirespeed.net.proto;

import java.lang.foreign.MemorySegment;

/**
 * The option area of an IPv4 header (RFC 791 3.1), checked for shape only: every option but
 * End-of-List and No-Operation carries a length of at least 2 that stays inside the header. Linux
 * drops a packet whose options do not parse (ip_options_compile) rather than forward it, and so do
 * we: a real server behind the balancer would drop it anyway, after it had cost a connection entry.
 */
public final class Ipv4Options {
    private static final int END_OF_LIST = 0;
    private static final int NO_OPERATION = 1;

    private Ipv4Options() {}

    /** True if the {@code len} bytes of options at {@code o} parse: no option runs past them or claims a length below 2. */
    public static boolean wellFormed(MemorySegment m, long o, int len) {
        int i = 0;
        while (i < len) {
            int type = Bytes.u8(m, o + i);
            if (type == END_OF_LIST) {
                return true; // the rest is padding
            }
            if (type == NO_OPERATION) {
                i++;
                continue;
            }
            if (i + 1 >= len) {
                return false;
            }
            int optionLen = Bytes.u8(m, o + i + 1);
            if (optionLen < 2 || i + optionLen > len) {
                return false;
            }
            i += optionLen;
        }
        return true;
    }
}
