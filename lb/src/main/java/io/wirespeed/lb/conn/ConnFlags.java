package io.wirespeed.lb.conn;

/**
 * Per-connection flag bits (16 bits in the entry). Bits 0..2 hold the forwarding mode; the others
 * are facts the data path records once so it does not redo work (the TOA option or the proxy
 * protocol header go out once per connection).
 */
public final class ConnFlags {
    public static final int MODE_MASK = 0x7;
    public static final int MODE_FNAT = 0;
    public static final int MODE_NAT = 1;
    public static final int MODE_DR = 2;
    public static final int MODE_TUN = 3;
    public static final int MODE_SNAT = 4;
    public static final int MODE_NAT64 = 5;

    /** The handshake is answered by the balancer's synproxy; the server side is opened later. */
    public static final int SYNPROXY = 1 << 3;
    /** The client address went to the server in a TOA option. */
    public static final int TOA_SENT = 1 << 4;
    /** The client address went to the server in a proxy protocol header. */
    public static final int PROXY_PROTOCOL_SENT = 1 << 5;
    /**
     * No reply has been seen: client segments use the input-only state table. Set at insert for
     * modes whose replies bypass the balancer (DR, TUN); cleared by the first reply, as IPVS does.
     */
    public static final int NO_OUTPUT = 1 << 6;
    /**
     * Full NAT chose the server side's initial sequence number at the client's first SYN; a
     * retransmitted SYN keeps it (the connection's seq delta holds the difference).
     */
    public static final int ISN_CHOSEN = 1 << 8;
    /**
     * A segment from the server passed during the handshake (NAT, full NAT): a connection that then
     * expires half-open was answered, so its expiry is not the server's failure (passive health check).
     */
    public static final int SERVER_ANSWERED = 1 << 9;

    /**
     * The entry is a persistence template, not a connection: it remembers which real server a client
     * network was sent to (IPVS's IP_VS_CONN_F_TEMPLATE). Set only by {@link ConnTable#insertTemplate}.
     */
    public static final int TEMPLATE = 1 << 7;

    /** Bits the table keeps for itself (slot in use). */
    static final int IN_USE = 1 << 15;
    /** Bits callers may set. */
    public static final int PUBLIC_MASK = 0x7F | ISN_CHOSEN | SERVER_ANSWERED;
    /** Bits {@link ConnTable#flags} reports: the public ones and {@link #TEMPLATE}. */
    static final int VISIBLE_MASK = PUBLIC_MASK | TEMPLATE;

    private static final String[] MODE_NAMES = {"FullNat", "Masq", "Route", "Tunnel", "Snat", "Nat64", "?", "?"};

    private ConnFlags() {}

    public static int mode(int flags) {
        return flags & MODE_MASK;
    }

    /** Modes whose replies go from the server straight to the client. */
    public static boolean isOneArmed(int mode) {
        return mode == MODE_DR || mode == MODE_TUN;
    }

    public static boolean isTemplate(int flags) {
        return (flags & TEMPLATE) != 0;
    }

    /** The mode's name as {@code ipvsadm -L} prints its forwarding column. */
    public static String modeName(int flags) {
        return MODE_NAMES[mode(flags)];
    }
}
