package io.wirespeed.control.daemon;

import io.wirespeed.control.config.PortConfig;
import io.wirespeed.drivers.Port;
import io.wirespeed.control.config.XdpOptions;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.drivers.afpacket.AfPacketPort;
import io.wirespeed.drivers.afxdp.AfXdpConfig;
import io.wirespeed.drivers.afxdp.AfXdpPort;
import io.wirespeed.drivers.afxdp.XdpMode;
import io.wirespeed.drivers.memory.MemoryPort;
import io.wirespeed.drivers.pcap.PcapPort;
import io.wirespeed.drivers.tap.TapPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.logging.Logger;

/** Opens the driver a port's config names. Errors name the port, the driver and the cause. */
final class PortOpener {
    private static final Logger LOG = Logger.getLogger(PortOpener.class.getName());

    private PortOpener() {}

    private static Port openXdp(PortConfig pc, String device, PacketPool pool, int xdpQueues) {
        XdpOptions x = pc.xdp();
        int ring = x.ringSize() != 0 ? x.ringSize() : defaultRing(pool, xdpQueues);
        AfXdpConfig cfg = new AfXdpConfig(pc.queues(), ring, ring, ring, Math.max(64, ring / 2),
                XdpMode.valueOf(x.mode().toUpperCase(java.util.Locale.ROOT)), x.zeroCopy(), x.needWakeup(), x.replaceProgram());
        try {
            return new AfXdpPort(pc.name(), device, pc.queues(), pool, cfg);
        } catch (RuntimeException e) {
            if (!x.fallback()) {
                throw e;
            }
            LOG.warning("event=afxdp_fallback port=" + pc.name() + " device=" + device + " driver=afpacket reason=\""
                    + e.getMessage() + "\"");
            return new AfPacketPort(pc.name(), device, pc.queues());
        }
    }

    /** Fill rings lend buffers to the kernel: keep them to a quarter of the pool, at most 2048 per queue. */
    static int defaultRing(PacketPool pool, int xdpQueues) {
        int perQueue = pool.capacity() / (4 * Math.max(1, xdpQueues));
        int ring = Integer.highestOneBit(Math.max(64, Math.min(2048, perQueue)));
        return Math.max(64, ring);
    }

    /** A locally administered MAC derived from the port's position, for drivers without their own. */
    static long defaultMac(int portIndex) {
        return 0x02_57_53_00_00_00L | (ProcessHandle.current().pid() & 0xFFFF) << 8 | (portIndex & 0xFF);
    }

    /**
     * @param xdpQueues AF_XDP queues of all ports together: they share the pool as one UMEM, so the
     *                  default ring size is chosen to leave at least half of the pool free
     */
    static Port open(PortConfig pc, int index, PacketPool pool, int xdpQueues) {
        String device = pc.device().orElse(pc.name());
        long mac = pc.mac().map(m -> m.bits()).orElse(defaultMac(index));
        try {
            return switch (pc.driver()) {
                case MEMORY -> new MemoryPort(pc.name(), mac, pc.mtu());
                case PCAP -> new PcapPort(pc.name(), pc.rxFile().orElse(null), pc.txFile().orElse(null), mac, pc.mtu());
                case TAP -> new TapPort(pc.name(), device, mac, pc.mtu());
                case AFPACKET -> new AfPacketPort(pc.name(), device, pc.queues());
                case AFXDP -> openXdp(pc, device, pool, xdpQueues);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("port " + pc.name() + " (driver " + pc.driver().configName() + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("port " + pc.name() + " (driver " + pc.driver().configName()
                    + ", device " + device + "): " + e.getMessage(), e);
        }
    }
}
