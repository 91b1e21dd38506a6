package io.wirespeed.control.cli;

import io.wirespeed.control.addr.Cidr;
import io.wirespeed.control.addr.IpAddresses;
import io.wirespeed.control.addr.MacAddress;
import io.wirespeed.control.config.PortConfig;
import java.net.InetAddress;
import java.util.Map;

/**
 * Checks of {@code wsctl ip} argument values, failing with iproute2's messages ({@code Error: inet
 * prefix is expected rather than "X".}) so that scripts and people who know {@code ip} recognise them.
 */
final class IpArguments {
    private IpArguments() {}

    static void putDev(Map<String, Object> args, String port) throws CliException {
        if (args.containsKey("dev")) {
            throw duplicate("dev", port);
        }
        if (!PortConfig.isValidName(port)) {
            throw invalidArgument(port, "\"dev\" not a valid ifname");
        }
        args.put("dev", port);
    }

    static void requireDev(Map<String, Object> args) throws CliException {
        if (!args.containsKey("dev")) {
            throw new CliException("Not enough information: \"dev\" argument is required.");
        }
    }

    static Cidr prefix(String text, int family) throws CliException {
        try {
            Cidr cidr = Cidr.parseOrHost(text);
            if (family == 0 || cidr.family() == family) {
                return cidr;
            }
        } catch (IllegalArgumentException e) {
            // reported below in iproute2's words
        }
        throw CliException.invalid(familyName(family) + " prefix is expected rather than \"" + text + "\".");
    }

    static InetAddress address(String text, int family) throws CliException {
        try {
            InetAddress a = IpAddresses.parse(text);
            if (family == 0 || IpAddresses.family(a) == family) {
                return a;
            }
        } catch (IllegalArgumentException e) {
            // reported below in iproute2's words
        }
        throw CliException.invalid(familyName(family) + " address is expected rather than \"" + text + "\".");
    }

    static String familyName(int family) {
        return switch (family) {
            case 4 -> "inet";
            case 6 -> "inet6";
            default -> "any valid";
        };
    }

    static long unsigned(String text, String what) throws CliException {
        try {
            long v = Long.parseLong(text);
            if (v >= 0 && v <= 0xFFFF_FFFFL && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalidArgument(text, "Invalid \"" + what + "\" value");
    }

    static CliException invalidArgument(String value, String why) {
        return CliException.invalid("argument \"" + value + "\" is wrong: " + why);
    }

    static CliException duplicate(String keyword, String value) {
        return CliException.invalid("duplicate \"" + keyword + "\": \"" + value + "\" is the second value.");
    }

    static CliException garbage(String keyword, String word) {
        return CliException.invalid("either \"" + keyword + "\" is duplicate, or \"" + word + "\" is a garbage.");
    }

    static MacAddress lladdr(String text) throws CliException {
        try {
            return MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw CliException.invalid("\"" + text + "\" is invalid lladdr.");
        }
    }
}
