package io.wirespeed.control.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One frame of a {@link Capture}, decoded by tshark. Address lists run from the outer header to the
 * inner one: an IP-in-IP packet has two entries in {@link #ipSrc()}, an IPv6-in-IPv6 one two in
 * {@link #ipv6Src()}; an ICMP error lists the addresses of the packet it quotes after its own.
 * TCP and UDP fields are those of the first such header (for tunnels: the inner one); 0, -1 or
 * empty where the frame has none.
 *
 * @param number      frame number in the capture, from 1
 * @param time        seconds since the first frame
 * @param protocols   tshark's protocol stack, e.g. "eth:ethertype:ip:ip:udp:data" for UDP in IPIP
 * @param length      frame length in bytes
 * @param ipSrc       IPv4 sources, outer first
 * @param ipDst       IPv4 destinations, outer first
 * @param ipProto     IPv4 protocol numbers, outer first (4 for IPIP, 6 TCP, 17 UDP)
 * @param ipv6Src     IPv6 sources, outer first
 * @param ipv6Dst     IPv6 destinations, outer first
 * @param ipv6Next    IPv6 next-header numbers, outer first (41 for IPv6-in-IPv6)
 * @param tcpSrcPort  TCP source port, 0 without TCP
 * @param tcpDstPort  TCP destination port, 0 without TCP
 * @param tcpFlags    TCP flags ({@link #SYN}, {@link #ACK}...), -1 without TCP
 * @param tcpOptionsHex the raw bytes of the TCP options in hex ("020405b4..."), empty without
 * @param udpSrcPort  UDP source port, 0 without UDP
 * @param udpDstPort  UDP destination port, 0 without UDP
 * @param icmpType    ICMP or ICMPv6 type, -1 without
 */
public record CapturedPacket(int number, double time, String protocols, int length,
        List<String> ipSrc, List<String> ipDst, List<Integer> ipProto,
        List<String> ipv6Src, List<String> ipv6Dst, List<Integer> ipv6Next,
        int tcpSrcPort, int tcpDstPort, int tcpFlags, String tcpOptionsHex,
        int udpSrcPort, int udpDstPort, int icmpType) {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    /** TCP option kind of TOA (the client's address, inserted by an FNAT load balancer). */
    public static final int TOA_OPTION = 254;
    private static final int OPTION_END = 0;
    private static final int OPTION_NOP = 1;

    /** The tshark fields {@link #parse} expects, in this order. */
    public static final List<String> FIELDS = List.of("frame.number", "frame.time_relative", "frame.protocols",
            "frame.len", "ip.src", "ip.dst", "ip.proto", "ipv6.src", "ipv6.dst", "ipv6.nxt",
            "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.options", "udp.srcport", "udp.dstport",
            "icmp.type", "icmpv6.type");

    /**
     * Parses one line of {@code tshark -T fields -E separator=/t} with {@link #FIELDS}; several
     * occurrences of a field are joined by ",".
     */
    public static CapturedPacket parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != FIELDS.size()) {
            throw new IllegalArgumentException("expected " + FIELDS.size() + " tab-separated tshark fields "
                    + FIELDS + ", got " + f.length + " in line: " + line);
        }
        try {
            return new CapturedPacket(Integer.parseInt(f[0]), Double.parseDouble(f[1]), f[2], Integer.parseInt(f[3]),
                    list(f[4]), list(f[5]), numbers(f[6]), list(f[7]), list(f[8]), numbers(f[9]),
                    first(f[10], 0), first(f[11], 0), first(f[12], -1), optionsHex(firstOf(f[13])),
                    first(f[14], 0), first(f[15], 0), first(f[16].isEmpty() ? f[17] : f[16], -1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad tshark field (" + e.getMessage() + ") in line: " + line, e);
        }
    }

    private static List<String> list(String field) {
        return field.isEmpty() ? List.of() : List.of(field.split(","));
    }

    private static List<Integer> numbers(String field) {
        return list(field).stream().map(CapturedPacket::number).toList();
    }

    private static String firstOf(String field) {
        int comma = field.indexOf(',');
        return comma < 0 ? field : field.substring(0, comma);
    }

    private static int first(String field, int absent) {
        String value = firstOf(field);
        return value.isEmpty() ? absent : number(value);
    }

    /** tshark prints flags as "0x0012" and ports or types in decimal. */
    private static int number(String value) {
        return value.startsWith("0x") ? Integer.parseInt(value.substring(2), 16) : Integer.parseInt(value);
    }

    /** Validated and in one spelling: tshark versions print bytes with or without ":" between them. */
    private static String optionsHex(String field) {
        return HexFormat.of().formatHex(HexFormat.of().parseHex(field.replace(":", "")));
    }

    /** The raw bytes of the TCP options. */
    public byte[] tcpOptions() {
        return HexFormat.of().parseHex(tcpOptionsHex);
    }

    public boolean isTcp() {
        return tcpFlags >= 0;
    }

    public boolean isUdp() {
        return udpDstPort != 0;
    }

    /** True when every flag in MASK is set. */
    public boolean hasFlags(int mask) {
        return isTcp() && (tcpFlags & mask) == mask;
    }

    /** A connection's first packet: SYN without ACK. */
    public boolean isSyn() {
        return hasFlags(SYN) && !hasFlags(ACK);
    }

    /** The innermost source address, IPv4 or IPv6. */
    public String src() {
        return innermost(ipSrc, ipv6Src);
    }

    /** The innermost destination address, IPv4 or IPv6. */
    public String dst() {
        return innermost(ipDst, ipv6Dst);
    }

    /** The outermost source address: the tunnel endpoint of an encapsulated packet. */
    public String outerSrc() {
        return outermost(ipSrc, ipv6Src);
    }

    /** The outermost destination address. */
    public String outerDst() {
        return outermost(ipDst, ipv6Dst);
    }

    private String innermost(List<String> v4, List<String> v6) {
        List<String> families = ipFamilies();
        if (families.isEmpty()) {
            return null;
        }
        List<String> list = families.getLast().equals("ipv6") ? v6 : v4;
        return list.isEmpty() ? null : list.getLast();
    }

    private String outermost(List<String> v4, List<String> v6) {
        List<String> families = ipFamilies();
        if (families.isEmpty()) {
            return null;
        }
        List<String> list = families.getFirst().equals("ipv6") ? v6 : v4;
        return list.isEmpty() ? null : list.getFirst();
    }

    /** The IP headers from outside in, as tshark names them: "ip" or "ipv6". */
    private List<String> ipFamilies() {
        return Arrays.stream(protocols.split(":")).filter(p -> p.equals("ip") || p.equals("ipv6")).toList();
    }

    /** The kinds of the TCP options in order, NOPs and the end-of-list included. */
    public List<Integer> tcpOptionKinds() {
        byte[] options = tcpOptions();
        List<Integer> kinds = new ArrayList<>();
        for (int at = 0; at < options.length; at = next(options, at)) {
            kinds.add(Byte.toUnsignedInt(options[at]));
        }
        return kinds;
    }

    /**
     * The data of the first TCP option of KIND (the bytes after kind and length), e.g. for
     * {@link #TOA_OPTION} the client's port (2 bytes) and address (4 or 16 bytes).
     */
    public Optional<byte[]> tcpOption(int kind) {
        byte[] options = tcpOptions();
        if (kind == OPTION_END || kind == OPTION_NOP) {
            throw new IllegalArgumentException("TCP option kind " + kind + " has no data");
        }
        for (int at = 0; at < options.length; at = next(options, at)) {
            int end = next(options, at);
            boolean whole = at + 1 < options.length && end == at + Byte.toUnsignedInt(options[at + 1]);
            if (Byte.toUnsignedInt(options[at]) == kind && whole) {
                return Optional.of(Arrays.copyOfRange(options, at + 2, end));
            }
        }
        return Optional.empty();
    }

    /**
     * Index of the option after the one at AT; the end of OPTIONS after end-of-list or an option
     * whose length is missing, below 2 or beyond the end (nothing after it can be trusted).
     */
    private static int next(byte[] options, int at) {
        int kind = Byte.toUnsignedInt(options[at]);
        if (kind == OPTION_NOP) {
            return at + 1;
        }
        if (kind == OPTION_END || at + 1 >= options.length) {
            return options.length;
        }
        int length = Byte.toUnsignedInt(options[at + 1]);
        return length < 2 || at + length > options.length ? options.length : at + length;
    }

    /** One line for failure messages: "3 198.18.0.2:40000 > 198.19.0.11:80 tcp flags=0x02 options=[2, 1, 3]". */
    @Override
    public String toString() {
        String ports = isTcp() ? ":" + tcpSrcPort + " > " + dst() + ":" + tcpDstPort
                : isUdp() ? ":" + udpSrcPort + " > " + dst() + ":" + udpDstPort : " > " + dst();
        String tunnel = ipSrc.size() + ipv6Src.size() > 1 ? " in " + outerSrc() + " > " + outerDst() : "";
        String detail = isTcp() ? String.format(" tcp flags=0x%02x options=%s", tcpFlags, tcpOptionKinds())
                : isUdp() ? " udp" : icmpType >= 0 ? " icmp type=" + icmpType : "";
        return number + " " + src() + ports + tunnel + detail + " [" + protocols + "]";
    }
}
