package io.wirespeed.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ArgsTest {
    private final Map<String, Object> args = parse("{\"dev\":\"port0\",\"mtu\":1500,\"up\":true,\"cidr\":\"198.18.0.1/24\","
            + "\"via\":\"198.18.0.2\",\"lladdr\":\"02:00:00:00:00:02\",\"none\":null,\"bad\":\"x\",\"num\":1.5}");

    @Test
    void typedReads() throws CommandException {
        assertEquals("port0", Args.string(args, "dev"));
        assertEquals(1500, Args.integer(args, "mtu", 68, 9000));
        assertEquals(true, Args.bool(args, "up"));
        assertEquals("198.18.0.1/24", Args.cidr(args, "cidr").toString());
        assertEquals("198.18.0.2", Args.address(args, "via").getHostAddress());
        assertEquals("02:00:00:00:00:02", Args.optMac(args, "lladdr").orElseThrow().toString());
    }

    @Test
    void nullAndAbsentAreTheSame() throws CommandException {
        assertEquals(Optional.empty(), Args.optString(args, "none"));
        assertEquals(Optional.empty(), Args.optString(args, "absent"));
        assertEquals(OptionalLong.empty(), Args.optInteger(args, "none", 0, 1));
        assertEquals(Optional.empty(), Args.optBool(args, "absent"));
        assertEquals(Optional.empty(), Args.optAddress(args, "absent"));
        assertEquals(Optional.empty(), Args.optMac(args, "none"));
        assertMessage("missing argument 'none'", () -> Args.string(args, "none"));
        assertMessage("missing argument 'absent'", () -> Args.integer(args, "absent", 0, 1));
    }

    @Test
    void wrongTypesAndRanges() {
        assertMessage("argument 'mtu' must be a string, got 1500", () -> Args.string(args, "mtu"));
        assertMessage("argument 'mtu' must be an integer 68..1400, got 1500", () -> Args.integer(args, "mtu", 68, 1400));
        assertMessage("argument 'num' must be an integer 0..9, got 1.5", () -> Args.integer(args, "num", 0, 9));
        assertMessage("argument 'dev' must be true or false, got \"port0\"", () -> Args.bool(args, "dev"));
        assertMessage("argument 'bad': invalid IPv4 address 'x' (expected four decimal numbers 0-255 like 198.18.0.1)",
                () -> Args.address(args, "bad"));
        assertMessage("argument 'bad': missing prefix length in 'x' (expected ADDRESS/LENGTH like 198.18.0.1/24)", () -> Args.cidr(args, "bad"));
        assertMessage("argument 'bad': invalid MAC address 'x' (expected six hex octets like 02:00:00:00:00:01)", () -> Args.optMac(args, "bad"));
    }

    @Test
    void allowOnly() throws CommandException {
        Args.allowOnly(Map.of("dev", "p"), "dev", "up");
        assertMessage("unknown argument 'upp' (expected: dev, up)", () -> Args.allowOnly(Map.of("upp", true), "dev", "up"));
        assertMessage("unknown argument 'x' (this command takes none)", () -> Args.allowOnly(new HashMap<>(Map.of("x", 1L))));
    }

    interface Call {
        void run() throws CommandException;
    }

    private static void assertMessage(String expected, Call call) {
        CommandException e = assertThrows(CommandException.class, call::run);
        assertEquals(expected, e.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) {
        try {
            return (Map<String, Object>) Json.parse(json);
        } catch (JsonException e) {
            throw new AssertionError(e);
        }
    }
}
