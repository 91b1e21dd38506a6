package io.wirespeed.control.lab;

import java.time.Duration;

/**
 * Plays a TUN-mode load balancer for one datagram (src/test/resources/lb/tunnel_probe.py): wraps a
 * UDP datagram from the client to a VIP in IP-in-IP addressed to a real server, sends it from a lab
 * namespace and waits for the real server's direct reply. Proves the TUN return path (a
 * {@link TunnelDecap} on the real server, {@link DirectReturnPath}) without a load balancer.
 */
public final class TunnelProbe {
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(3);

    private TunnelProbe() {}

    /**
     * Sends MESSAGE from CLIENT (an address of namespace NS) to VIP:PORT inside a tunnel packet to
     * REAL_SERVER (IPv4-in-IPv4 or IPv6-in-IPv6 by the addresses' family). Exit 0 and stdout
     * "from VIP PORT\nREPLY" when the reply came; exit 1 and the reason on stderr when not.
     */
    public static CommandResult send(Lab lab, String ns, String realServer, String client, String vip, int port,
            String message) {
        return lab.exec(REPLY_TIMEOUT.plusSeconds(10), ns, "python3", LbResources.path("tunnel_probe.py").toString(),
                realServer, client, vip, Integer.toString(port), message, Long.toString(REPLY_TIMEOUT.toSeconds()));
    }
}
