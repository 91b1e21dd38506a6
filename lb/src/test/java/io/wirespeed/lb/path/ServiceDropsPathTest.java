package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_V6;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wirespeed.core.stats.DropReason;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceDrops;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.net.proto.Tcp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Drops the balancer can pin on a service are counted on that service's {@link ServiceDrops} (and
 * only there), as well as in the global table; drops before a service is known are global only.
 */
class ServiceDropsPathTest {
    LbFixture fx;

    @AfterEach
    void tearDown() {
        fx.expireAll();
        assertEquals(0, fx.net.buffersInFlight(), "every buffer is back in the pool");
        fx.close();
    }

    private ServiceDrops drops(ServiceKey key) {
        return fx.table.current().find(key).counters().drops();
    }

    private void rxDropped(byte[] frame, DropReason reason) {
        long before = fx.drops(reason);
        fx.rx(0, frame);
        fx.nothingSent();
        assertEquals(before + 1, fx.drops(reason), "the global table counts it too");
    }

    @Test
    void eachServiceCountsItsOwnDropsByReason() throws Exception {
        fx = new LbFixture(16, true);
        ServiceKey web = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(web, v4(RS1), 80, ForwardMethod.NAT, 1);
        ServiceKey idle = fx.service(Protocol.TCP, v4(VIP), 443, "rr");
        fx.server(idle, v4(RS1), 443, ForwardMethod.NAT, 0); // weight 0: no server may take a connection

        rxDropped(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 1, 1).build(), LbDrops.NOT_SYN);
        rxDropped(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT + 1, 80, Tcp.FIN | Tcp.ACK, 1, 1).build(), LbDrops.NOT_SYN);
        fx.rx(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 443, Tcp.SYN, 1, 0).build());
        fx.net.clearSent(); // the ICMP port unreachable that answers it

        assertEquals(2, drops(web).get(LbDrops.NOT_SYN));
        assertEquals(0, drops(web).get(LbDrops.NO_DESTINATION));
        assertEquals(2, drops(web).total());
        assertEquals(1, drops(idle).get(LbDrops.NO_DESTINATION));
        assertEquals(0, drops(idle).get(LbDrops.NOT_SYN));
        assertEquals(2, drops(web).get(LbDrops.NOT_SYN, 0), "worker 0 counted them");
    }

    @Test
    void fullTableAndMissingLocalPortsAreTheServicesDrops() throws Exception {
        fx = new LbFixture(2, true);
        ServiceKey nat = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(nat, v4(RS1), 80, ForwardMethod.NAT, 1);
        ServiceKey fnat = fx.service(Protocol.TCP, v4(VIP), 8080, "rr");
        fx.server(fnat, v4(RS1), 80, ForwardMethod.FULLNAT, 1); // no local address: no port to take

        rxDropped(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 8080, Tcp.SYN, 1, 0).build(), LbDrops.NO_LOCAL_PORT);
        fx.rxAll(0, syns(VIP, 80, 30000, 2));
        fx.net.clearSent();
        rxDropped(syns(VIP, 80, 30002, 1).get(0), LbDrops.TABLE_FULL);

        assertEquals(1, drops(fnat).get(LbDrops.NO_LOCAL_PORT));
        assertEquals(1, drops(nat).get(LbDrops.TABLE_FULL));
        assertEquals(0, drops(fnat).get(LbDrops.TABLE_FULL));
    }

    @Test
    void aRemovedServersPacketsAreDroppedOnItsServiceAndZeroResetsTheView() throws Exception {
        fx = new LbFixture(16, true);
        ServiceKey key = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(key, v4(RS1), 80, ForwardMethod.NAT, 1);
        fx.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build(), 1);
        fx.table.deleteServer(key, v4(RS1), 80);
        rxDropped(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 2, 1).build(), LbDrops.DEST_REMOVED);
        assertEquals(1, drops(key).get(LbDrops.DEST_REMOVED));

        fx.table.zero(key);
        assertEquals(0, drops(key).get(LbDrops.DEST_REMOVED), "ipvsadm -Z zeroes the service's drops too");
        assertEquals(1, drops(key).get(LbDrops.DEST_REMOVED, 0), "the worker's own row is never written by the reset");
    }

    @Test
    void ipv6ServicesCountTheirDropsToo() throws Exception {
        fx = new LbFixture(16, true);
        ServiceKey key = fx.service(Protocol.TCP, v6(VIP6), 80, "rr");
        fx.server(key, v6(RS1_V6), 80, ForwardMethod.NAT, 1);
        rxDropped(fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, 80, Tcp.ACK, 1, 1).build(), LbDrops.NOT_SYN);
        assertEquals(1, drops(key).get(LbDrops.NOT_SYN));
    }

    @Test
    void dropsBeforeAServiceIsKnownStayGlobal() throws Exception {
        fx = new LbFixture(16, true);
        ServiceKey key = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(key, v4(RS1), 80, ForwardMethod.NAT, 1);
        rxDropped(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 81, Tcp.SYN, 1, 0).build(), LbDrops.NO_SERVICE);
        assertEquals(0, drops(key).total());
    }
}
