package io.wirespeed.drivers;

/**
 * Bits of a pool buffer's {@code flags} metadata that drivers set on receive and the stack reads.
 * Bit values are part of the buffer metadata contract, so they are never renumbered.
 */
public final class PacketFlags {
    /**
     * The L4 checksum is not filled in yet: the sender (typically a local socket behind a veth, which
     * offloads the checksum to "hardware" that never exists) left only the pseudo-header sum in the
     * checksum field. Whoever forwards the packet off this host must complete the checksum first, as
     * the kernel does for CHECKSUM_PARTIAL skbs.
     */
    public static final int CSUM_PARTIAL = 1;

    private PacketFlags() {}
}
