package io.wirespeed.control.config;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Port drivers by the names the config file and {@code Port.driver()} use. */
public enum DriverKind {
    MEMORY("memory", false),
    PCAP("pcap", false),
    TAP("tap", true),
    AFPACKET("afpacket", true),
    AFXDP("afxdp", true);

    private final String configName;
    private final boolean kernelDevice;

    DriverKind(String configName, boolean kernelDevice) {
        this.configName = configName;
        this.kernelDevice = kernelDevice;
    }

    public String configName() {
        return configName;
    }

    /** True if the port is bound to (or, for tap, creates) a kernel network interface. */
    public boolean usesKernelDevice() {
        return kernelDevice;
    }

    public static Optional<DriverKind> byConfigName(String name) {
        return Arrays.stream(values()).filter(d -> d.configName.equals(name)).findFirst();
    }

    /** "memory, pcap, tap, afpacket, afxdp": for error messages. */
    public static String allNames() {
        return Arrays.stream(values()).map(DriverKind::configName).collect(Collectors.joining(", "));
    }
}
