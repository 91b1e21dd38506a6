package io.wirespeed.control.api;

import io.wirespeed.control.addr.Cidr;
import io.wirespeed.control.addr.IpAddresses;
import io.wirespeed.control.addr.MacAddress;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Typed reads of a command's {@code args} for handlers, failing with messages the operator can act
 * on ({@code missing argument 'dev'}, {@code argument 'mtu' must be an integer 68..9000, got "x"}).
 * A JSON null counts as absent.
 */
public final class Args {
    private Args() {}

    /** Refuses arguments the command does not know, so a misspelt option is not silently ignored. */
    public static void allowOnly(Map<String, Object> args, String... names) throws CommandException {
        List<String> known = List.of(names);
        for (String key : args.keySet()) {
            if (!known.contains(key)) {
                throw new CommandException("unknown argument '" + Messages.shorten(key) + "'"
                        + (known.isEmpty() ? " (this command takes none)" : " (expected: " + String.join(", ", known) + ")"));
            }
        }
    }

    public static String string(Map<String, Object> args, String name) throws CommandException {
        return optString(args, name).orElseThrow(() -> missing(name));
    }

    public static Optional<String> optString(Map<String, Object> args, String name) throws CommandException {
        Object v = args.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw wrongType(name, "a string", v);
        }
        return Optional.of(s);
    }

    public static Optional<Boolean> optBoolean(Map<String, Object> args, String name) throws CommandException {
        Object v = args.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Boolean b)) {
            throw wrongType(name, "true or false", v);
        }
        return Optional.of(b);
    }

    public static long integer(Map<String, Object> args, String name, long min, long max) throws CommandException {
        OptionalLong v = optInteger(args, name, min, max);
        if (v.isEmpty()) {
            throw missing(name);
        }
        return v.getAsLong();
    }

    public static OptionalLong optInteger(Map<String, Object> args, String name, long min, long max) throws CommandException {
        Object v = args.get(name);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (!(v instanceof Long n) || n < min || n > max) {
            throw wrongType(name, "an integer " + min + ".." + max, v);
        }
        return OptionalLong.of(n);
    }

    public static boolean bool(Map<String, Object> args, String name) throws CommandException {
        return optBool(args, name).orElseThrow(() -> missing(name));
    }

    public static Optional<Boolean> optBool(Map<String, Object> args, String name) throws CommandException {
        Object v = args.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Boolean b)) {
            throw wrongType(name, "true or false", v);
        }
        return Optional.of(b);
    }

    /** An address with prefix length, {@code 198.18.0.1/24}. */
    public static Cidr cidr(Map<String, Object> args, String name) throws CommandException {
        String text = string(args, name);
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandException("argument '" + name + "': " + e.getMessage());
        }
    }

    public static InetAddress address(Map<String, Object> args, String name) throws CommandException {
        return optAddress(args, name).orElseThrow(() -> missing(name));
    }

    public static Optional<InetAddress> optAddress(Map<String, Object> args, String name) throws CommandException {
        Optional<String> text = optString(args, name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(IpAddresses.parse(text.get()));
        } catch (IllegalArgumentException e) {
            throw new CommandException("argument '" + name + "': " + e.getMessage());
        }
    }

    public static Optional<MacAddress> optMac(Map<String, Object> args, String name) throws CommandException {
        Optional<String> text = optString(args, name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(MacAddress.parse(text.get()));
        } catch (IllegalArgumentException e) {
            throw new CommandException("argument '" + name + "': " + e.getMessage());
        }
    }

    private static CommandException missing(String name) {
        return new CommandException("missing argument '" + name + "'");
    }

    private static CommandException wrongType(String name, String expected, Object got) {
        String shown = got instanceof String s ? "\"" + Messages.shorten(s) + "\"" : Messages.shorten(Json.write(got));
        return new CommandException("argument '" + name + "' must be " + expected + ", got " + shown);
    }
}
