package io.wirespeed.lb.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** SNAT match services in the {@link ServiceTable}: what it accepts, what it refuses, and the VIP index. */
class SnatServiceTableTest {
    private final ServiceTable table = new ServiceTable(1, true);
    private final ServiceKey match = ServiceKey.of(SnatMatch.parse("proto=tcp,src-range=198.19.0.0-198.19.0.255,oif=port0"));
    private final IpAddress snatAddress = IpAddress.parse("198.18.0.1");

    private static RealServer server(IpAddress addr, int port, ForwardMethod method) {
        return new RealServer(addr, port, method, 1, 0, 0);
    }

    @Test
    void aMatchServiceTakesSnatAddressesWithoutPorts() throws LbException {
        table.addService(VirtualService.of(match, "rr"));
        table.addServer(match, server(snatAddress, 1234, ForwardMethod.SNAT));
        ServiceEntry e = table.current().find(match);
        assertEquals(List.of(server(snatAddress, 0, ForwardMethod.SNAT)), e.servers(), "the port is per connection");
        assertEquals("MATCH tcp,from=198.19.0.0-198.19.0.255:0-0,oif=port0", match.toString());
        assertEquals("-H proto=tcp,src-range=198.19.0.0-198.19.0.255:0-0,oif=port0", match.option());
        assertTrue(match.isMatch());
        table.deleteServer(match, snatAddress, 1234);
        assertTrue(table.current().find(match).servers().isEmpty(), "deleted whatever port the command named");
        assertThrows(LbException.class, () -> table.addService(VirtualService.of(match, "rr")), "exists already");
    }

    @Test
    void matchServicesListAfterVipServicesAndHaveNoVip() throws LbException {
        ServiceKey vip = new ServiceKey(Protocol.TCP, IpAddress.parse("198.18.0.100"), 80);
        table.addService(VirtualService.of(match, "rr"));
        table.addService(VirtualService.of(vip, "rr"));
        assertEquals(List.of(vip, match), table.current().services().stream().map(ServiceEntry::key).toList());
        VipIndex index = VipIndex.of(table.current());
        assertFalse(index.isVip(false, 0, 0), "0.0.0.0 is not a VIP");
        assertEquals(VipIndex.NONE, index.lookup(6, false, 0, 0, 0));
        assertEquals(0, index.lookup(6, false, 0, IpAddress.parse("198.18.0.100").lo(), 80));
    }

    @Test
    void snatAndMatchGoTogetherOnly() throws LbException {
        ServiceKey vip = new ServiceKey(Protocol.TCP, IpAddress.parse("198.18.0.100"), 80);
        table.addService(VirtualService.of(vip, "rr"));
        table.addService(VirtualService.of(match, "rr"));
        assertEquals(LbException.SNAT_NEEDS_MATCH, assertThrows(LbException.class,
                () -> table.addServer(vip, server(snatAddress, 0, ForwardMethod.SNAT))).getMessage());
        assertEquals(LbException.MATCH_NEEDS_SNAT, assertThrows(LbException.class,
                () -> table.addServer(match, server(snatAddress, 80, ForwardMethod.NAT))).getMessage());
        assertEquals(LbException.MATCH_NO_LADDR, assertThrows(LbException.class,
                () -> table.addLocalAddress(match, new LocalAddress(snatAddress, null))).getMessage());
        assertEquals(LbException.WRONG_FAMILY, assertThrows(LbException.class,
                () -> table.addServer(match, server(IpAddress.parse("2001:db8::1"), 0, ForwardMethod.SNAT))).getMessage());
        assertEquals(LbException.INVALID_OPERATION, assertThrows(LbException.class,
                () -> table.addServer(match, server(IpAddress.parse("224.0.0.1"), 0, ForwardMethod.SNAT))).getMessage());
    }

    @Test
    void ipv6MatchesAreRefused() {
        ServiceKey v6 = ServiceKey.of(SnatMatch.parse("proto=udp,src-range=[2001:db8::1-2001:db8::ff]"));
        assertEquals(LbException.SNAT_V6, assertThrows(LbException.class,
                () -> table.addService(VirtualService.of(v6, "rr"))).getMessage());
    }

    @Test
    void aKeyWithAMatchIsOnlyTheMatchsKey() {
        SnatMatch m = match.match();
        assertThrows(IllegalArgumentException.class, () -> new ServiceKey(Protocol.UDP, IpAddress.parse("0.0.0.0"), 0, m));
        assertThrows(IllegalArgumentException.class, () -> new ServiceKey(Protocol.TCP, IpAddress.parse("198.18.0.1"), 0, m));
        assertThrows(IllegalArgumentException.class, () -> new ServiceKey(Protocol.TCP, IpAddress.parse("0.0.0.0"), 80, m));
    }
}
