package io.wirespeed.control.health;

import java.net.InetAddress;
import java.time.Duration;

/**
 * One kind of check, run against one server. Blocks at most about {@code timeout}; runs on a virtual
 * thread, so it waits in ways that free its carrier (Java sockets, sleeps), never in a long native call.
 * Never throws: every failure is an {@link Outcome}.
 */
interface Probe {
    Outcome run(InetAddress addr, int port, Duration timeout);

    static Probe of(HealthCheck check) {
        return switch (check.type()) {
            case TCP -> new TcpProbe();
            case HTTP -> new HttpProbe(check.path(), check.status(), check.body(), check.host());
            case UDP -> new UdpProbe(check.send(), check.expect());
            case ICMP -> new IcmpProbe();
        };
    }
}
