package io.wirespeed.bench.gen;

import io.wirespeed.net.addr.Mac;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * wsgen's command line, parsed and checked as a whole before anything is opened: every mistake is
 * reported with the option it concerns.
 *
 * @param txNetns   namespace to send from, or null for wsgen's own
 * @param rxDev     interface to count returning packets on, or null to only send
 * @param srcIp     null: the source address of the route to {@code dstIp}
 * @param dstMac    -1: the next hop's MAC from the neighbour table
 * @param ratePps   0: as fast as possible
 * @param count     0: no packet limit (the duration ends the run)
 * @param burst     0: chosen from the rate ({@link Pacer#burstFor})
 * @param txCpu     -1: not pinned (as {@code rxCpu})
 */
record GenOptions(String txNetns, String txDev, String rxNetns, String rxDev, IpAddr dstIp, IpAddr srcIp, long dstMac,
                  int srcPort, int dstPort, int flows, UdpStream.Vary vary, int frameSize, long ratePps, double durationS,
                  long count, double warmupS, int burst, int txCpu, int rxCpu, int drainMs, boolean json) {

    static final String USAGE = """
            usage: wsgen --tx-dev DEV --dst-ip IP [options]
              Sends UDP over AF_PACKET and counts what comes back: rate, loss, latency.
              --tx-netns NS      send from network namespace NS (default: wsgen's own)
              --tx-dev DEV       send on interface DEV (required)
              --rx-netns NS      receive in namespace NS (default: wsgen's own)
              --rx-dev DEV       count returning packets on DEV (default: send only)
              --dst-ip IP        destination IPv4 or IPv6 address (required)
              --src-ip IP        source address (default: the route's source address)
              --dst-mac MAC      next hop's MAC (default: from the tx namespace's neighbour table)
              --dst-port N       UDP destination port (default 9)
              --src-port N       first UDP source port (default 10000)
              --flows N          number of flows, 1..65536 (default 1)
              --vary port|addr   flows differ by source port or by source address (default port)
              --size BYTES       frame size with FCS, 64..1518 (84 for IPv6) (default 64)
              --rate PPS         packets per second, e.g. 20000, 20k, 1.5M (default: as fast as possible)
              --duration SECS    measured sending time, up to 3600 (default 5)
              --count N          stop after N measured packets (also stops at --duration)
              --warmup SECS      send this long before measuring, up to 60 (default 0)
              --burst N          packets per send call, 1..32 (default: from the rate)
              --tx-cpu N         pin the sending thread to CPU N
              --rx-cpu N         pin the receiving thread to CPU N
              --drain-ms N       wait for late packets after sending, 0..10000 (default 500)
              --json             print the result as one JSON object
              -h, --help         this text
            """;

    private static final Set<String> FLAGS = Set.of("--json");
    private static final List<String> VALUED = List.of("--tx-netns", "--tx-dev", "--rx-netns", "--rx-dev", "--dst-ip",
            "--src-ip", "--dst-mac", "--dst-port", "--src-port", "--flows", "--vary", "--size", "--rate", "--duration",
            "--count", "--warmup", "--burst", "--tx-cpu", "--rx-cpu", "--drain-ms");
    /** The sequence number is 32 bits: a run never reuses one. */
    static final long MAX_PACKETS = 0xFFFF_FFFFL;

    boolean receives() { return rxDev != null; }

    boolean flatOut() { return ratePps == 0; }

    /** True when args ask for the usage text. */
    static boolean wantsHelp(String... args) {
        return List.of(args).contains("-h") || List.of(args).contains("--help");
    }

    /** @throws IllegalArgumentException naming the option and what is wrong with it */
    static GenOptions parse(String... args) {
        Map<String, String> v = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (FLAGS.contains(a)) {
                v.put(a, "");
            } else if (VALUED.contains(a)) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                if (v.put(a, args[++i]) != null) {
                    throw new IllegalArgumentException(a + " is given twice");
                }
            } else {
                throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        String txDev = required(v, "--tx-dev");
        IpAddr dst = ip(v, "--dst-ip", required(v, "--dst-ip"));
        IpAddr src = v.containsKey("--src-ip") ? ip(v, "--src-ip", v.get("--src-ip")) : null;
        if (src != null && src.v6() != dst.v6()) {
            throw new IllegalArgumentException("--src-ip " + src + " and --dst-ip " + dst + " are not of the same IP version");
        }
        String rxDev = v.get("--rx-dev");
        if (rxDev == null && (v.containsKey("--rx-netns") || v.containsKey("--rx-cpu"))) {
            throw new IllegalArgumentException("--rx-netns and --rx-cpu need --rx-dev");
        }
        int minSize = UdpStream.minFrameSize(dst.v6());
        int flows = (int) integer(v, "--flows", 1, 1, 65536);
        int srcPort = (int) integer(v, "--src-port", 10000, 1, 65535);
        UdpStream.Vary vary = vary(v.getOrDefault("--vary", "port"));
        if (vary == UdpStream.Vary.PORT && srcPort + flows - 1 > 65535) {
            throw new IllegalArgumentException("--src-port " + srcPort + " with --flows " + flows + " needs ports up to "
                    + (srcPort + flows - 1) + ", beyond 65535");
        }
        if (vary == UdpStream.Vary.ADDR && src != null && !src.fitsPlus(flows)) {
            throw new IllegalArgumentException("--src-ip " + src + " with --flows " + flows + " wraps around the last 32 bits");
        }
        long count = integer(v, "--count", 0, 1, MAX_PACKETS);
        double duration = seconds(v, "--duration", 5, 3600);
        if (duration == 0) {
            throw new IllegalArgumentException("--duration must be more than 0 seconds");
        }
        return new GenOptions(netns(v, "--tx-netns"), device(txDev, "--tx-dev"), netns(v, "--rx-netns"),
                rxDev == null ? null : device(rxDev, "--rx-dev"), dst, src, mac(v), srcPort,
                (int) integer(v, "--dst-port", 9, 1, 65535), flows, vary,
                (int) integer(v, "--size", 64, minSize, UdpStream.MAX_FRAME_SIZE), rate(v), duration, count,
                seconds(v, "--warmup", 0, 60), (int) integer(v, "--burst", 0, 1, 32), (int) integer(v, "--tx-cpu", -1, 0, 1023),
                (int) integer(v, "--rx-cpu", -1, 0, 1023), (int) integer(v, "--drain-ms", 500, 0, 10_000), v.containsKey("--json"));
    }

    private static String required(Map<String, String> v, String option) {
        String value = v.get(option);
        if (value == null) {
            throw new IllegalArgumentException(option + " is required");
        }
        return value;
    }

    private static String device(String name, String option) {
        if (name.isEmpty() || name.length() > 15 || name.contains("/") || name.contains(" ")) {
            throw new IllegalArgumentException(option + " '" + name + "' is not an interface name (1-15 characters, no '/' or space)");
        }
        return name;
    }

    private static String netns(Map<String, String> v, String option) {
        String name = v.get(option);
        if (name != null && (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals(".."))) {
            throw new IllegalArgumentException(option + " '" + name + "' is not a namespace name");
        }
        return name;
    }

    private static IpAddr ip(Map<String, String> v, String option, String text) {
        try {
            return IpAddr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    private static long mac(Map<String, String> v) {
        String text = v.get("--dst-mac");
        if (text == null) {
            return -1;
        }
        try {
            return Mac.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dst-mac: " + e.getMessage(), e);
        }
    }

    private static UdpStream.Vary vary(String text) {
        return switch (text) {
            case "port" -> UdpStream.Vary.PORT;
            case "addr" -> UdpStream.Vary.ADDR;
            default -> throw new IllegalArgumentException("--vary must be 'port' or 'addr', got '" + text + "'");
        };
    }

    private static long integer(Map<String, String> v, String option, long dflt, long min, long max) {
        String text = v.get(option);
        if (text == null) {
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, got '" + text + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(option + " must be in " + min + ".." + max + ", got " + n);
        }
        return n;
    }

    private static double seconds(Map<String, String> v, String option, double dflt, double max) {
        String text = v.get(option);
        if (text == null) {
            return dflt;
        }
        double s = decimal(option, text);
        if (s < 0 || s > max) {
            throw new IllegalArgumentException(option + " must be in 0.." + (long) max + " seconds, got " + text);
        }
        return s;
    }

    /** Packets per second with an optional k or M suffix ("20k", "1.5M"). */
    private static long rate(Map<String, String> v) {
        String text = v.get("--rate");
        if (text == null) {
            return 0;
        }
        String t = text.toLowerCase(Locale.ROOT);
        double scale = t.endsWith("k") ? 1e3 : t.endsWith("m") ? 1e6 : 1;
        double pps = decimal("--rate", scale == 1 ? t : t.substring(0, t.length() - 1)) * scale;
        if (pps < 1 || pps > 100e6) {
            throw new IllegalArgumentException("--rate must be in 1..100M packets/s, got '" + text + "'");
        }
        return Math.round(pps);
    }

    private static double decimal(String option, String text) {
        try {
            double d = Double.parseDouble(text);
            if (!Double.isFinite(d) || text.matches(".*[a-zA-Z].*")) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number, got '" + text + "'");
        }
    }
}
