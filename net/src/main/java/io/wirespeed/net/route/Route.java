package io.wirespeed.net.route;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;

/** A route as the control plane shows it (`wsctl ip route`). */
public record Route(int family, long hi, long lo, int len, String via, int ifIndex, Proto proto, String src) {
    public enum Proto { KERNEL, STATIC }

    public String prefixText() {
        if (len == 0) return "default";
        return (family == 4 ? Ip4.format((int) lo) : Ip6.format(hi, lo)) + "/" + len;
    }
}
