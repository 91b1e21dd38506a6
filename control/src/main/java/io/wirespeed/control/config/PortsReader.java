package io.wirespeed.control.config;

import io.wirespeed.control.addr.Cidr;
import io.wirespeed.control.addr.IpAddresses;
import io.wirespeed.control.addr.MacAddress;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the {@code ports:} list, checking each port alone and the ports against each other. */
final class PortsReader {
    private static final List<String> KEYS = List.of(
            "name", "driver", "device", "rx_file", "tx_file", "queues", "mtu", "mac", "addresses", "exception_path", "vlans",
            "xdp_mode", "zero_copy", "need_wakeup", "ring_size", "replace_xdp_program", "fallback");
    private static final List<String> XDP_KEYS = List.of("xdp_mode", "zero_copy", "need_wakeup", "ring_size", "replace_xdp_program", "fallback");
    private static final List<String> VLAN_KEYS = List.of("id", "name", "mtu", "addresses");
    static final int MAX_QUEUES = 64, MIN_MTU = 68, MAX_MTU = 9000;
    /** IFNAMSIZ is 16 including the NUL. */
    private static final int MAX_IFNAME_BYTES = 15;

    private final Path baseDir;
    private final Map<String, YamlField> names = new HashMap<>();
    private final Map<String, YamlField> devices = new HashMap<>();
    private final Map<InetAddress, YamlField> addresses = new HashMap<>();

    /** @param baseDir directory relative pcap file names are resolved against, or null to keep them as written */
    PortsReader(Path baseDir) {
        this.baseDir = baseDir;
    }

    List<PortConfig> read(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty()) {
            return List.of();
        }
        List<PortConfig> ports = new ArrayList<>();
        for (YamlField item : field.get().list("a list of ports")) {
            ports.add(port(item));
        }
        return ports;
    }

    private PortConfig port(YamlField item) throws ConfigException {
        YamlMapping m = item.mapping("a port", KEYS);
        YamlField nameField = m.required("name", "a port name matching [a-z0-9_.-]{1,15}");
        String name = nameField.string("a port name");
        if (!PortConfig.isValidName(name)) {
            throw nameField.error("invalid port name '" + YamlField.shorten(name) + "' (expected 1 to 15 of a-z 0-9 _ . -)");
        }
        YamlField firstWithName = names.putIfAbsent(name, nameField);
        if (firstWithName != null) {
            throw nameField.error("duplicate port name '" + name + "' (first used at line " + firstWithName.line() + ")");
        }

        YamlField driverField = m.required("driver", "one of: " + DriverKind.allNames());
        String driverName = driverField.string("a driver name");
        DriverKind driver = DriverKind.byConfigName(driverName).orElseThrow(() -> driverField.error(
                "unknown driver '" + YamlField.shorten(driverName) + "' (expected one of: " + DriverKind.allNames() + ")"));

        Optional<String> device = device(m, driver, name);
        Optional<Path> rxFile = captureFile(m, "rx_file", driver);
        Optional<Path> txFile = captureFile(m, "tx_file", driver);
        if (driver == DriverKind.PCAP && rxFile.isEmpty()) {
            throw m.self().withPath(item.path() + ".rx_file").error("missing required field for driver pcap (expected the capture file to read as received traffic)");
        }
        int queues = (int) m.integer("queues", 1, MAX_QUEUES, PortConfig.DEFAULT_QUEUES);
        int mtu = (int) m.integer("mtu", MIN_MTU, MAX_MTU, PortConfig.DEFAULT_MTU);
        Optional<MacAddress> mac = mac(m);
        List<Cidr> cidrs = addresses(m, name);
        boolean exceptionPath = m.bool("exception_path", true);
        List<VlanConfig> vlans = vlans(m, name, mtu);
        XdpOptions xdp = xdp(m, driver);
        return new PortConfig(name, driver, device, rxFile, txFile, queues, mtu, mac, cidrs, exceptionPath, vlans, xdp);
    }

    private static XdpOptions xdp(YamlMapping m, DriverKind driver) throws ConfigException {
        if (driver != DriverKind.AFXDP) {
            for (String key : XDP_KEYS) {
                Optional<YamlField> f = m.optional(key);
                if (f.isPresent()) {
                    throw f.get().error(key + " is an afxdp setting (this port's driver is " + driver.configName() + ")");
                }
            }
            return XdpOptions.DEFAULTS;
        }
        String mode = XdpOptions.DEFAULTS.mode();
        Optional<YamlField> modeField = m.optional("xdp_mode");
        if (modeField.isPresent()) {
            mode = modeField.get().string("auto, native or generic");
            if (!List.of("auto", "native", "generic").contains(mode)) {
                throw modeField.get().error("unknown xdp_mode '" + YamlField.shorten(mode) + "' (expected one of: auto, native, generic)");
            }
        }
        int ring = (int) m.integer("ring_size", 0, 1 << 16, 0);
        if (ring != 0 && (ring < 64 || Integer.bitCount(ring) != 1)) {
            throw m.optional("ring_size").get().error("ring size " + ring + " is not a power of two in 64..65536");
        }
        Optional<YamlField> fallbackField = m.optional("fallback");
        boolean fallback = false;
        if (fallbackField.isPresent()) {
            String f = fallbackField.get().string("afpacket or none");
            if (!f.equals("afpacket") && !f.equals("none")) {
                throw fallbackField.get().error("unknown fallback '" + YamlField.shorten(f) + "' (expected afpacket or none)");
            }
            fallback = f.equals("afpacket");
        }
        return new XdpOptions(mode, m.bool("zero_copy", false), m.bool("need_wakeup", true), ring,
                m.bool("replace_xdp_program", false), fallback);
    }

    private List<VlanConfig> vlans(YamlMapping m, String portName, int portMtu) throws ConfigException {
        Optional<YamlField> field = m.optional("vlans");
        if (field.isEmpty()) {
            return List.of();
        }
        List<VlanConfig> out = new ArrayList<>();
        Map<Long, YamlField> ids = new HashMap<>();
        for (YamlField item : field.get().list("a list of VLAN sub-interfaces")) {
            YamlMapping v = item.mapping("a VLAN sub-interface", VLAN_KEYS);
            YamlField idField = v.required("id", "a VLAN id " + VlanConfig.MIN_ID + ".." + VlanConfig.MAX_ID);
            long id = v.integer("id", VlanConfig.MIN_ID, VlanConfig.MAX_ID, 0);
            YamlField firstId = ids.putIfAbsent(id, idField);
            if (firstId != null) {
                throw idField.error("duplicate VLAN id " + id + " on port " + portName + " (first used at line " + firstId.line() + ")");
            }
            String name = portName + "." + id;
            Optional<YamlField> nameField = v.optional("name");
            if (nameField.isPresent()) {
                name = nameField.get().string("an interface name");
                if (!PortConfig.isValidName(name)) {
                    throw nameField.get().error("invalid interface name '" + YamlField.shorten(name) + "' (expected 1 to 15 of a-z 0-9 _ . -)");
                }
            } else if (name.length() > MAX_IFNAME_BYTES) {
                throw idField.error("the default name '" + name + "' is longer than 15 characters: give the VLAN a name");
            }
            YamlField firstWithName = names.putIfAbsent(name, nameField.orElse(idField));
            if (firstWithName != null) {
                throw nameField.orElse(idField).error("duplicate interface name '" + name + "' (first used at line " + firstWithName.line() + ")");
            }
            int mtu = (int) v.integer("mtu", MIN_MTU, portMtu, portMtu);
            out.add(new VlanConfig(name, (int) id, mtu, addresses(v, name)));
        }
        return out;
    }

    private Optional<String> device(YamlMapping m, DriverKind driver, String portName) throws ConfigException {
        Optional<YamlField> field = m.optional("device");
        if (!driver.usesKernelDevice()) {
            if (field.isPresent()) {
                throw field.get().error("driver " + driver.configName() + " has no kernel device (device is for tap, afpacket and afxdp)");
            }
            return Optional.empty();
        }
        if (field.isEmpty()) {
            // The port name is already a valid interface name (its pattern is stricter).
            return Optional.of(checkDeviceUnique(m.self(), portName, portName));
        }
        String device = field.get().string("a kernel interface name");
        // The kernel's dev_valid_name(): what `ip link` would refuse, we refuse here with a line number.
        if (device.getBytes(StandardCharsets.UTF_8).length > MAX_IFNAME_BYTES || device.equals(".") || device.equals("..")
                || device.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c) || c == 0)) {
            throw field.get().error("invalid interface name '" + YamlField.shorten(device)
                    + "' (expected at most 15 bytes, no '/', ':' or spaces)");
        }
        return Optional.of(checkDeviceUnique(field.get(), device, portName));
    }

    private String checkDeviceUnique(YamlField field, String device, String portName) throws ConfigException {
        YamlField first = devices.putIfAbsent(device, field);
        if (first != null) {
            throw field.error("kernel device '" + device + "' of port " + portName + " is already used by the port at line " + first.line());
        }
        return device;
    }

    private Optional<Path> captureFile(YamlMapping m, String key, DriverKind driver) throws ConfigException {
        Optional<YamlField> field = m.optional(key);
        if (field.isEmpty()) {
            return Optional.empty();
        }
        if (driver != DriverKind.PCAP) {
            throw field.get().error("only the pcap driver reads or writes capture files (this port's driver is " + driver.configName() + ")");
        }
        String text = field.get().string("a capture file name");
        try {
            Path path = Path.of(text);
            return Optional.of(baseDir == null ? path : baseDir.resolve(path));
        } catch (InvalidPathException e) {
            throw field.get().error("invalid file name '" + YamlField.shorten(text) + "': " + e.getReason());
        }
    }

    private static Optional<MacAddress> mac(YamlMapping m) throws ConfigException {
        Optional<YamlField> field = m.optional("mac");
        if (field.isEmpty()) {
            return Optional.empty();
        }
        MacAddress mac;
        try {
            mac = MacAddress.parse(field.get().string("a MAC address"));
        } catch (IllegalArgumentException e) {
            throw field.get().error(e.getMessage());
        }
        if (mac.isMulticast() || mac.isZero()) {
            throw field.get().error("MAC address " + mac + " is not a unicast address (a port needs one; e.g. 02:00:00:00:00:01, locally administered)");
        }
        return Optional.of(mac);
    }

    private List<Cidr> addresses(YamlMapping m, String portName) throws ConfigException {
        Optional<YamlField> field = m.optional("addresses");
        if (field.isEmpty()) {
            return List.of();
        }
        List<Cidr> cidrs = new ArrayList<>();
        for (YamlField item : field.get().list("a list of addresses with prefix length")) {
            Cidr cidr;
            try {
                cidr = Cidr.parse(item.string("an address with prefix length like 198.18.0.1/24"));
            } catch (IllegalArgumentException e) {
                throw item.error(e.getMessage());
            }
            YamlField first = addresses.putIfAbsent(cidr.address(), item);
            if (first != null) {
                throw item.error("address " + IpAddresses.format(cidr.address()) + " on port " + portName
                        + " is already assigned at line " + first.line());
            }
            cidrs.add(cidr);
        }
        return cidrs;
    }
}
