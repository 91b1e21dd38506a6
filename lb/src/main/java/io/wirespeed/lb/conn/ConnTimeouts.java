package io.wirespeed.lb.conn;

import java.util.Arrays;

/**
 * Idle timeouts per connection state, immutable: the control plane builds a new set and each worker
 * swaps it in between bursts ({@link ConnTable#timeouts(ConnTimeouts)}). A connection's timer is
 * re-armed with the timeout of its state on every packet, so a change applies to a connection at
 * its next packet, as in IPVS.
 *
 * <p>Defaults are IPVS's. {@link #withSet} is {@code ipvsadm --set tcp tcpfin udp}: {@code tcp} is the
 * ESTABLISHED timeout, {@code tcpfin} the FIN_WAIT one (the state a connection enters on the first
 * FIN), {@code udp} the UDP one; a 0 leaves that value as it was.
 */
public final class ConnTimeouts {
    /** IPVS's upper bound (INT_MAX jiffies at HZ=1000): about 24.8 days. */
    public static final int MAX_SECONDS = Integer.MAX_VALUE / 1000;

    private static final long SECOND = 1_000_000_000L;
    private static final ConnTimeouts DEFAULTS = new ConnTimeouts(defaultSeconds());

    private final int[] seconds;
    private final long[] nanos;

    private ConnTimeouts(int[] seconds) {
        this.seconds = seconds;
        this.nanos = new long[seconds.length];
        for (int s = 0; s < seconds.length; s++) {
            nanos[s] = seconds[s] * SECOND;
        }
    }

    public static ConnTimeouts defaults() {
        return DEFAULTS;
    }

    /** Timeout of {@code state} in nanoseconds; per packet, allocation free. */
    public long nanos(int state) {
        return nanos[state];
    }

    public int seconds(int state) {
        return seconds[state];
    }

    /** {@code ipvsadm --set tcp tcpfin udp}: seconds, 0 = unchanged. */
    public ConnTimeouts withSet(int tcp, int tcpfin, int udp) {
        check("tcp", tcp, true);
        check("tcpfin", tcpfin, true);
        check("udp", udp, true);
        int[] s = seconds.clone();
        if (tcp != 0) {
            s[ConnState.ESTABLISHED] = tcp;
        }
        if (tcpfin != 0) {
            s[ConnState.FIN_WAIT] = tcpfin;
        }
        if (udp != 0) {
            s[ConnState.UDP] = udp;
        }
        return new ConnTimeouts(s);
    }

    /** Sets the timeout of any one state (config file form {@code SYN_RECV: 30}). */
    public ConnTimeouts with(int state, int newSeconds) {
        check(ConnState.name(state), newSeconds, false);
        int[] s = seconds.clone();
        s[state] = newSeconds;
        return new ConnTimeouts(s);
    }

    /** As {@code ipvsadm -L --timeout} prints it: {@code Timeout (tcp tcpfin udp): 900 120 300}. */
    public String tcpTcpfinUdp() {
        return "Timeout (tcp tcpfin udp): " + seconds[ConnState.ESTABLISHED] + " " + seconds[ConnState.FIN_WAIT]
                + " " + seconds[ConnState.UDP];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnTimeouts other && Arrays.equals(seconds, other.seconds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(seconds);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ConnTimeouts{");
        for (int s = 0; s < seconds.length; s++) {
            b.append(s == 0 ? "" : ", ").append(ConnState.name(s)).append('=').append(seconds[s]);
        }
        return b.append('}').toString();
    }

    private static void check(String what, int value, boolean zeroMeansKeep) {
        int min = zeroMeansKeep ? 0 : 1;
        if (value < min || value > MAX_SECONDS) {
            throw new IllegalArgumentException(what + " timeout must be in " + min + ".." + MAX_SECONDS
                    + " seconds" + (zeroMeansKeep ? " (0 = unchanged)" : "") + ", got " + value);
        }
    }

    private static int[] defaultSeconds() {
        int[] s = new int[ConnState.COUNT];
        s[ConnState.NONE] = 2;
        s[ConnState.ESTABLISHED] = 15 * 60;
        s[ConnState.SYN_SENT] = 2 * 60;
        s[ConnState.SYN_RECV] = 60;
        s[ConnState.FIN_WAIT] = 2 * 60;
        s[ConnState.TIME_WAIT] = 2 * 60;
        s[ConnState.CLOSE] = 10;
        s[ConnState.CLOSE_WAIT] = 60;
        s[ConnState.LAST_ACK] = 30;
        s[ConnState.LISTEN] = 2 * 60;
        s[ConnState.SYNACK] = 2 * 60;
        s[ConnState.UDP] = 5 * 60;
        s[ConnState.ICMP] = 60;
        return s;
    }
}
