package io.wirespeed.control.health;

import java.util.Locale;

/** What a health check asks of a real server (keepalived's TCP_CHECK, HTTP_GET, UDP_CHECK, PING_CHECK). */
public enum CheckType {
    /** The server accepts a TCP connection. */
    TCP,
    /** An HTTP/1.0 GET answers with the expected status (and body text, when asked). */
    HTTP,
    /** A UDP datagram is answered (with the expected text, when asked). */
    UDP,
    /** An ICMP echo request is answered. */
    ICMP;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CheckType byName(String name) {
        for (CheckType t : values()) {
            if (t.configName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown check type '" + name + "' (tcp, http, udp or icmp)");
    }
}
