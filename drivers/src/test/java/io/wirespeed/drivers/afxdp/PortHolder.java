package io.wirespeed.drivers.afxdp;

import io.wirespeed.core.pool.PacketPool;

/** A child process for the crash test: opens an AF_XDP port, says so, and waits to be killed. */
public final class PortHolder {
    static final String READY = "port-open";

    private PortHolder() {}

    public static void main(String[] args) throws InterruptedException {
        PacketPool pool = PacketPool.create(8192);
        AfXdpPort port = new AfXdpPort("held", args[0], 1, pool, AfXdpConfig.defaults(1));
        System.out.println(READY + " " + port.ifname());
        System.out.flush();
        Thread.sleep(60_000); // killed long before
    }
}
