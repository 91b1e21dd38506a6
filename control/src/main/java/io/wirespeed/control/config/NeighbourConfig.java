package io.wirespeed.control.config;

import io.wirespeed.control.addr.MacAddress;
import java.net.InetAddress;

/** A permanent neighbour entry (like {@code ip neigh add ... nud permanent}). */
public record NeighbourConfig(InetAddress addr, MacAddress lladdr, String dev) {}
