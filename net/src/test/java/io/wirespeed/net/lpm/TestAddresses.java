package io.wirespeed.net.lpm;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** Address literals for tests. */
final class TestAddresses {
    private TestAddresses() {}

    static int v4(String dotted) {
        String[] parts = dotted.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        }
        int addr = 0;
        for (String p : parts) {
            addr = addr << 8 | Integer.parseInt(p);
        }
        return addr;
    }

    /** {hi, lo} of an IPv6 literal (parsed without any name lookup: only literals are accepted). */
    static long[] v6(String literal) {
        if (!literal.contains(":")) {
            throw new IllegalArgumentException("not an IPv6 literal: " + literal);
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(InetAddress.getByName(literal).getAddress());
            return new long[] {b.getLong(), b.getLong()};
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
