package io.wirespeed.control.daemon;

import io.wirespeed.control.config.PortConfig;
import io.wirespeed.drivers.Port;
import io.wirespeed.drivers.afpacket.AfPacketPort;
import io.wirespeed.drivers.memory.MemoryPort;
import io.wirespeed.drivers.pcap.PcapPort;
import io.wirespeed.drivers.tap.TapPort;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Opens the driver a port's config names. Errors name the port, the driver and the cause. */
final class PortOpener {
    private PortOpener() {}

    /** A locally administered MAC derived from the port's position, for drivers without their own. */
    static long defaultMac(int portIndex) {
        return 0x02_57_53_00_00_00L | (ProcessHandle.current().pid() & 0xFFFF) << 8 | (portIndex & 0xFF);
    }

    static Port open(PortConfig pc, int index) {
        String device = pc.device().orElse(pc.name());
        long mac = pc.mac().map(m -> m.bits()).orElse(defaultMac(index));
        try {
            return switch (pc.driver()) {
                case MEMORY -> new MemoryPort(pc.name(), mac, pc.mtu());
                case PCAP -> new PcapPort(pc.name(), pc.rxFile().orElse(null), pc.txFile().orElse(null), mac, pc.mtu());
                case TAP -> new TapPort(pc.name(), device, mac, pc.mtu());
                case AFPACKET -> new AfPacketPort(pc.name(), device, pc.queues());
                case AFXDP -> throw new IllegalStateException("driver afxdp is not available in this build; use afpacket");
            };
        } catch (IOException e) {
            throw new UncheckedIOException("port " + pc.name() + " (driver " + pc.driver().configName() + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("port " + pc.name() + " (driver " + pc.driver().configName()
                    + ", device " + device + "): " + e.getMessage(), e);
        }
    }
}
