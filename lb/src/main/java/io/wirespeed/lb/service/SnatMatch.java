package io.wirespeed.lb.service;

import java.util.ArrayList;
import java.util.List;

/**
 * What selects a SNAT service instead of a VIP and port (DPVS's {@code ipvsadm -H}): the protocol,
 * the source (inside hosts) and destination ranges, and the interfaces the packet comes in by
 * ({@code iif}) and would leave by ({@code oif}). A range or interface left out (null) matches all.
 * At least one range is given: it also fixes the address family.
 */
public record SnatMatch(Protocol protocol, AddressRange src, AddressRange dst, String iif, String oif) {
    public SnatMatch {
        if (protocol == null) {
            throw new IllegalArgumentException("match needs a protocol (proto=tcp or proto=udp)");
        }
        src = src == null || src.isUnset() ? null : src;
        dst = dst == null || dst.isUnset() ? null : dst;
        if (src == null && dst == null) {
            throw new IllegalArgumentException("match needs a src-range or a dst-range");
        }
        if (src != null && dst != null && src.v6() != dst.v6()) {
            throw new IllegalArgumentException("match mixes an IPv" + (src.v6() ? 6 : 4) + " src-range with an IPv"
                    + (dst.v6() ? 6 : 4) + " dst-range");
        }
        iif = iif == null || iif.isEmpty() ? null : iif;
        oif = oif == null || oif.isEmpty() ? null : oif;
    }

    /**
     * Parses the {@code -H} argument: comma separated {@code proto=tcp|udp}, {@code src-range=RANGE},
     * {@code dst-range=RANGE}, {@code iif=PORT}, {@code oif=PORT} (see {@link AddressRange#parse}).
     * Empty values ({@code iif=}) are accepted as left out, so DPVS's own {@code -S} output reads back.
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static SnatMatch parse(String text) {
        Protocol proto = null;
        AddressRange src = null;
        AddressRange dst = null;
        String iif = null;
        String oif = null;
        List<String> seen = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("match part '" + part + "' is not KEY=VALUE");
            }
            String key = part.substring(0, eq);
            String value = part.substring(eq + 1);
            if (seen.contains(key)) {
                throw new IllegalArgumentException("match names " + key + " twice");
            }
            seen.add(key);
            switch (key) {
                case "proto" -> proto = protocol(value);
                case "src-range" -> src = value.isEmpty() ? null : AddressRange.parse(value);
                case "dst-range" -> dst = value.isEmpty() ? null : AddressRange.parse(value);
                case "iif" -> iif = value;
                case "oif" -> oif = value;
                default -> throw new IllegalArgumentException("unknown match key '" + key
                        + "' (expected proto, src-range, dst-range, iif, oif)");
            }
        }
        return new SnatMatch(proto, src, dst, iif, oif);
    }

    private static Protocol protocol(String name) {
        try {
            return Protocol.fromConfigName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("match proto '" + name + "' is not supported (expected tcp or udp)");
        }
    }

    public boolean v6() {
        return src != null ? src.v6() : dst.v6();
    }

    /** The {@code -H} argument that parses back to this match, without the parts left out. */
    public String option() {
        StringBuilder b = new StringBuilder("proto=").append(protocol.configName());
        if (src != null) {
            b.append(",src-range=").append(src);
        }
        if (dst != null) {
            b.append(",dst-range=").append(dst);
        }
        if (iif != null) {
            b.append(",iif=").append(iif);
        }
        if (oif != null) {
            b.append(",oif=").append(oif);
        }
        return b.toString();
    }

    /** As DPVS's {@code ipvsadm -L} names a match service: {@code MATCH tcp,from=A-B:0-0,oif=port0}. */
    public String listed() {
        StringBuilder b = new StringBuilder("MATCH ").append(protocol.configName());
        if (src != null) {
            b.append(",from=").append(src);
        }
        if (dst != null) {
            b.append(",to=").append(dst);
        }
        if (iif != null) {
            b.append(",iif=").append(iif);
        }
        if (oif != null) {
            b.append(",oif=").append(oif);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return listed();
    }
}
