package io.wirespeed.control.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.lb.service.ClientAddressMode;
import io.wirespeed.lb.service.ServiceTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The daemon side of {@code wsctl lb}: the requests wsctl sends, straight to the registry over a real table. */
class LbCommandsTest {
    private final ServiceTable table = new ServiceTable(1, true);
    private final CommandRegistry registry = new CommandRegistry();

    LbCommandsTest() {
        new LbCommands(table).register(registry);
    }

    private static Map<String, Object> service(String... settings) {
        Map<String, Object> args = new HashMap<>(Map.of("proto", "tcp", "vip", "198.18.0.100", "port", 80L));
        for (int i = 0; i < settings.length; i += 2) {
            args.put(settings[i], settings[i + 1]);
        }
        return args;
    }

    private ClientAddressMode stored() {
        return table.current().services().getFirst().service().clientAddress();
    }

    @SuppressWarnings("unchecked")
    private Object listedClientAddress() throws CommandException {
        List<Map<String, Object>> services = (List<Map<String, Object>>) registry.handle("lb.list", Map.of());
        return services.getFirst().get("client_address");
    }

    @Test
    void clientAddressIsStoredAndListedByItsLabel() throws CommandException {
        registry.handle("lb.service.add", service("client_address", "v2"));
        assertEquals(ClientAddressMode.PROXY_V2, stored());
        assertEquals("v2", listedClientAddress());
        registry.handle("lb.service.edit", service("client_address", "none"));
        assertEquals(ClientAddressMode.NONE, stored());
        assertEquals("none", listedClientAddress());
    }

    @Test
    void leftOutItIsToaOnAddAndOnEdit() throws CommandException {
        registry.handle("lb.service.add", service());
        assertEquals("toa", listedClientAddress());
        registry.handle("lb.service.edit", service("client_address", "v1"));
        registry.handle("lb.service.edit", service("scheduler", "rr"));
        assertEquals(ClientAddressMode.TOA, stored(), "an edit replaces every setting, as ipvsadm -E");
    }

    @Test
    void anUnknownModeIsRefusedWithTheArgumentNamed() {
        CommandException e = assertThrows(CommandException.class,
                () -> registry.handle("lb.service.add", service("client_address", "v3")));
        assertEquals("argument 'client_address': unknown client address mode 'v3' (expected one of: toa, v1, v2, none, disable)",
                e.getMessage());
        assertEquals(List.of(), table.current().services());
    }
}
