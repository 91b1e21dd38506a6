package io.wirespeed.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandRegistryTest {
    @Test
    void dispatchesByName() throws CommandException {
        CommandRegistry r = new CommandRegistry();
        r.register("route.show", args -> List.of(args.get("family")));
        r.register("pool", args -> "p");
        assertEquals(List.of(4L), r.handle("route.show", Map.of("family", 4L)));
        assertEquals("p", r.handle("pool", Map.of()));
        assertEquals(List.of("pool", "route.show"), List.copyOf(r.commands()));
    }

    @Test
    void unknownCommand() {
        CommandRegistry r = new CommandRegistry();
        CommandException e = assertThrows(CommandException.class, () -> r.handle("route.shwo", Map.of()));
        assertEquals("unknown command 'route.shwo'", e.getMessage());
        e = assertThrows(CommandException.class, () -> r.handle("x".repeat(1000), Map.of()));
        assertEquals("unknown command '" + "x".repeat(57) + "...'", e.getMessage());
    }

    @Test
    void refusesDuplicateAndMalformedNames() {
        CommandRegistry r = new CommandRegistry();
        r.register("link.show", args -> null);
        assertThrows(IllegalArgumentException.class, () -> r.register("link.show", args -> null));
        for (String bad : List.of("", "Link.show", "link..show", "link.", ".link", "link show", "1link")) {
            assertThrows(IllegalArgumentException.class, () -> r.register(bad, args -> null), bad);
        }
    }
}
