package io.wirespeed.lb.path;

import io.wirespeed.lb.service.AddressRange;
import io.wirespeed.lb.service.ServiceEntry;
import io.wirespeed.lb.service.SnatMatch;
import java.util.ArrayList;
import java.util.List;

/**
 * The IPv4 SNAT match services of one snapshot, flattened into arrays so a packet is tested against
 * them without touching a record: protocol, source and destination range (address and port), and
 * the interface names. Matches are few (one per inside network and protocol), so a scan in the
 * snapshot's order is all the index they need; the first that fits wins.
 */
final class SnatMatches {
    static final int NONE = -1;

    private final int[] service;
    private final int[] protocol;
    private final long[] srcMin, srcMax, dstMin, dstMax;
    private final int[] srcPortMin, srcPortMax, dstPortMin, dstPortMax;
    /** Interface names; null matches every interface. */
    private final String[] iif, oif;

    SnatMatches(List<ServiceEntry> entries) {
        List<Integer> positions = new ArrayList<>();
        for (int s = 0; s < entries.size(); s++) {
            SnatMatch match = entries.get(s).key().match();
            if (match != null && !match.v6()) {
                positions.add(s);
            }
        }
        int n = positions.size();
        service = new int[n];
        protocol = new int[n];
        srcMin = new long[n];
        srcMax = new long[n];
        dstMin = new long[n];
        dstMax = new long[n];
        srcPortMin = new int[n];
        srcPortMax = new int[n];
        dstPortMin = new int[n];
        dstPortMax = new int[n];
        iif = new String[n];
        oif = new String[n];
        for (int i = 0; i < n; i++) {
            SnatMatch match = entries.get(positions.get(i)).key().match();
            service[i] = positions.get(i);
            protocol[i] = match.protocol().number;
            fill(match.src(), i, srcMin, srcMax, srcPortMin, srcPortMax);
            fill(match.dst(), i, dstMin, dstMax, dstPortMin, dstPortMax);
            iif[i] = match.iif();
            oif[i] = match.oif();
        }
    }

    /** A range left out is every address and port. */
    private static void fill(AddressRange r, int i, long[] min, long[] max, int[] portMin, int[] portMax) {
        min[i] = r == null ? 0 : r.min().lo();
        max[i] = r == null ? 0xFFFF_FFFFL : r.max().lo();
        portMin[i] = r == null || r.anyPort() ? 0 : r.minPort();
        portMax[i] = r == null || r.anyPort() ? 65535 : r.maxPort();
    }

    boolean isEmpty() {
        return service.length == 0;
    }

    int size() {
        return service.length;
    }

    /**
     * The first match from {@code start} on that the packet fits, by everything but the output
     * interface (which costs a route lookup, so the caller checks it last): its index, or {@link #NONE}.
     */
    int find(int start, int proto, int src, int sport, int dst, int dport, String inName) {
        long s = src & 0xFFFF_FFFFL;
        long d = dst & 0xFFFF_FFFFL;
        for (int i = start; i < service.length; i++) {
            if (protocol[i] == proto && s >= srcMin[i] && s <= srcMax[i] && d >= dstMin[i] && d <= dstMax[i]
                    && sport >= srcPortMin[i] && sport <= srcPortMax[i] && dport >= dstPortMin[i] && dport <= dstPortMax[i]
                    && (iif[i] == null || iif[i].equals(inName))) {
                return i;
            }
        }
        return NONE;
    }

    /** The snapshot position of match {@code i}'s service. */
    int service(int i) {
        return service[i];
    }

    /** The output interface match {@code i} requires, or null for any. */
    String oif(int i) {
        return oif[i];
    }
}
