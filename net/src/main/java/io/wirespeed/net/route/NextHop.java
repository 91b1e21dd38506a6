package io.wirespeed.net.route;

/**
 * Where a route sends a packet: out of interface {@code ifIndex}, to gateway {@code gw4} or
 * {@code gw6} when set, else straight to the packet's destination (a connected route).
 */
public record NextHop(int index, int ifIndex, int gw4, long gw6Hi, long gw6Lo, boolean hasGateway) {
}
