package io.wirespeed.control.cli;

import java.util.List;

/**
 * The options {@code wsctl lb} takes after its command, as ipvsadm (and DPVS's ipvsadm) spell them.
 * {@link #label} is the name ipvsadm's messages use ("multiple 'weight' options specified").
 */
enum LbOption {
    NUMERIC("numeric", 'n', Arg.NONE, "--numeric"),
    CONNECTION("connection", 'c', Arg.NONE, "--connection"),
    SERVICE("service-address", '\0', Arg.REQUIRED, "--tcp-service", "--udp-service"),
    /** DPVS's {@code -H}: a SNAT service named by a match instead of an address; wherever SERVICE goes. */
    MATCH("match", 'H', Arg.REQUIRED, "--match"),
    SCHEDULER("scheduler", 's', Arg.REQUIRED, "--scheduler"),
    PERSISTENT("persistent", 'p', Arg.OPTIONAL, "--persistent"),
    NETMASK("netmask", 'M', Arg.REQUIRED, "--netmask"),
    SERVER("real-server", 'r', Arg.REQUIRED, "--real-server"),
    FORWARD("forwarding-method", '\0', Arg.NONE, "--gatewaying", "--ipip", "--masquerading", "--fullnat",
            "--snat"),
    WEIGHT("weight", 'w', Arg.REQUIRED, "--weight"),
    UPPER("u-threshold", 'x', Arg.REQUIRED, "--u-threshold"),
    LOWER("l-threshold", 'y', Arg.REQUIRED, "--l-threshold"),
    TIMEOUT("timeout", '\0', Arg.NONE, "--timeout"),
    STATS("stats", '\0', Arg.NONE, "--stats"),
    RATE("rate", '\0', Arg.NONE, "--rate"),
    THRESHOLDS("thresholds", '\0', Arg.NONE, "--thresholds"),
    NOSORT("nosort", '\0', Arg.NONE, "--nosort"),
    EXACT("exact", 'X', Arg.NONE, "--exact"),
    SCHED_FLAGS("sched-flags", '\0', Arg.REQUIRED, "--sched-flags"),
    LADDR("laddr", 'z', Arg.REQUIRED, "--laddr"),
    IFNAME("ifname", 'F', Arg.REQUIRED, "--ifname"),
    /** Ours: {@code --add-laddr ... --standby}, another node's local address this node only takes over (session sync). */
    STANDBY("standby", '\0', Arg.NONE, "--standby"),
    PROXY_PROTOCOL("proxy-protocol", '\0', Arg.REQUIRED, "--proxy-protocol"),
    /** DPVS's {@code -j enable|disable}: the balancer answers TCP handshakes with SYN cookies. */
    SYNPROXY("synproxy", 'j', Arg.REQUIRED, "--synproxy");

    enum Arg { NONE, REQUIRED, OPTIONAL }

    final String label;
    final char letter;
    final Arg arg;
    final List<String> longNames;

    LbOption(String label, char letter, Arg arg, String... longNames) {
        this.label = label;
        this.letter = letter;
        this.arg = arg;
        this.longNames = List.of(longNames);
    }
}
