package io.wirespeed.control.config;

/**
 * AF_XDP settings of an {@code afxdp} port.
 *
 * @param mode          auto (native when the driver has it, else generic), native or generic
 * @param zeroCopy      ask for zero copy; drivers without it (veth) fall back to copy mode with a log line
 * @param needWakeup    let the kernel say when it needs a system call (fewer syscalls when busy)
 * @param ringSize      fill, completion and rx ring entries per queue (tx gets half); 0 = sized from the pool
 * @param replaceProgram detach an XDP program another tool left attached through netlink instead of refusing
 * @param fallback      open the port with afpacket, with a log line, if AF_XDP cannot be used on it
 */
public record XdpOptions(String mode, boolean zeroCopy, boolean needWakeup, int ringSize, boolean replaceProgram,
                         boolean fallback) {
    public static final XdpOptions DEFAULTS = new XdpOptions("auto", false, true, 0, false, false);
}
