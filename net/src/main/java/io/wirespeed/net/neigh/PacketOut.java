package io.wirespeed.net.neigh;

/** How the master hands a finished frame (buffer) to the data plane for transmission on a port. */
@FunctionalInterface
public interface PacketOut {
    void transmit(int buf, int port);
}
