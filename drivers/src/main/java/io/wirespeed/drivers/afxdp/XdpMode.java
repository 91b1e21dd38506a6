package io.wirespeed.drivers.afxdp;

/** How the redirect program is attached to the interface (the XDP_FLAGS_*_MODE of the link). */
public enum XdpMode {
    /** Native when the driver has XDP support (veth does), else generic: the kernel chooses. */
    AUTO(0),
    /** Driver (native) XDP: runs before an skb exists; fails if the driver lacks XDP support. */
    NATIVE(4),
    /** Generic (SKB) XDP: works on every interface, after the skb is built. */
    GENERIC(2);

    final int linkFlags;

    XdpMode(int linkFlags) {
        this.linkFlags = linkFlags;
    }
}
