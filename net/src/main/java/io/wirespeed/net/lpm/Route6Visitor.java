package io.wirespeed.net.lpm;

/** Receives the IPv6 routes of an {@link Lpm6}, one call per route; the prefix is {@code hi:lo}, most significant bits first. */
@FunctionalInterface
public interface Route6Visitor {
    void route(long hi, long lo, int len, int nextHop);
}
