package io.wirespeed.net.stack;

/**
 * Tunables of the IP stack.
 *
 * @param icmpErrorsPerSecond per worker; the kernel's default icmp_ratelimit allows ~1000/s
 * @param icmpErrorBurst tokens an idle worker can save up
 * @param exceptionPath per port: hand unhandled local traffic to the kernel through a TAP
 */
public record StackOptions(int icmpErrorsPerSecond, int icmpErrorBurst, int maxNeighbours, boolean[] exceptionPath) {
    public static StackOptions defaults(int ports) {
        boolean[] ex = new boolean[ports];
        return new StackOptions(1000, 50, 4096, ex);
    }

    public boolean exceptionPath(int port) { return port < exceptionPath.length && exceptionPath[port]; }
}
