package io.wirespeed.net.lpm;

/** Receives the IPv4 routes of an {@link Lpm4}, one call per route. */
@FunctionalInterface
public interface RouteVisitor {
    void route(int prefix, int len, int nextHop);
}
