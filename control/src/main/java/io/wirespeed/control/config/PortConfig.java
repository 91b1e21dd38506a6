package io.wirespeed.control.config;

import io.wirespeed.control.addr.Cidr;
import io.wirespeed.control.addr.MacAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One data-plane port.
 *
 * @param device        kernel interface for tap, afpacket and afxdp (defaults to the port name); empty
 *                      for drivers without one
 * @param rxFile        pcap only: capture file replayed as received traffic
 * @param txFile        pcap only: capture file that transmitted packets are written to
 * @param mac           override of the driver's own MAC address
 * @param vlans         802.1Q sub-interfaces on this port
 * @param xdp           AF_XDP settings (defaults for other drivers)
 * @param exceptionPath whether a TAP device mirrors this port's addresses so the kernel answers what
 *                      the data plane does not handle (SSH, BGP, health checks)
 */
public record PortConfig(
        String name,
        DriverKind driver,
        Optional<String> device,
        Optional<Path> rxFile,
        Optional<Path> txFile,
        int queues,
        int mtu,
        Optional<MacAddress> mac,
        List<Cidr> addresses,
        boolean exceptionPath,
        List<VlanConfig> vlans,
        XdpOptions xdp) {
    public static final int DEFAULT_QUEUES = 1;
    public static final int DEFAULT_MTU = 1500;
    private static final Pattern NAME = Pattern.compile("[a-z0-9_.-]{1,15}");

    /** Port names are short lower-case words, so that they are also valid kernel interface names. */
    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    public PortConfig {
        addresses = List.copyOf(addresses);
        vlans = List.copyOf(vlans);
    }
}
