package io.wirespeed.lb.service;

/** Transport protocol of a virtual service, with ipvsadm's spellings. */
public enum Protocol {
    TCP(6, "TCP", "-t"),
    UDP(17, "UDP", "-u");

    /** IP protocol number, as in the IPv4 protocol / IPv6 next-header field. */
    public final int number;
    /** As {@code ipvsadm -L} prints it. */
    public final String label;
    /** The option that names a service of this protocol: {@code -t} or {@code -u}. */
    public final String option;

    Protocol(int number, String label, String option) {
        this.number = number;
        this.label = label;
        this.option = option;
    }

    /** "tcp" or "udp", the config file's spelling. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses the config file's "tcp" / "udp". */
    public static Protocol fromConfigName(String name) {
        for (Protocol p : values()) {
            if (p.configName().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown protocol '" + name + "' (expected tcp or udp)");
    }
}
