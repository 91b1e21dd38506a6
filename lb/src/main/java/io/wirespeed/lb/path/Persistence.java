package io.wirespeed.lb.path;

import io.wirespeed.lb.conn.ConnKey;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.sched.FlowInput;
import io.wirespeed.lb.sched.Scheduler;

/**
 * LVS persistence ({@code ipvsadm -A ... -p TIMEOUT -M NETMASK}) for one worker's new connections.
 * The first connection of a client network (the client address masked by {@code -M}) to a
 * persistent service is scheduled as usual and leaves a <em>template</em> in the worker's
 * connection table: client network, virtual address, service port (0 for a VIP:0 service, so one
 * template covers every port of the VIP) and the chosen real server. While the template lives,
 * every new connection of that network to the service goes to the same server without asking the
 * scheduler. The table keeps the template alive while any of its connections lives and for
 * {@code -p} seconds after the last one ends or the newest one was made.
 *
 * <p>A template whose server is still configured is followed even when the server's weight is 0:
 * that is IPVS with {@code expire_quiescent_template} off (its default), so draining a server with
 * weight 0 keeps the sessions of its sticky clients intact until they go quiet. A template whose
 * server was removed is pointed at a freshly scheduled one (IPVS invalidates it and makes a new
 * one; the connections that still count on the old template keep it alive either way).
 *
 * <p>Templates are per worker, as in DPVS: a client's connections are spread over workers by the
 * NIC's RSS hash (or by client address and port for NAT), so with several workers a client sticks to
 * one server per worker, not across all of them. Per new connection: a lookup and at most one insert,
 * no allocation.
 */
final class Persistence {
    private final LbPath lb;
    private final ConnKey key = new ConnKey();
    private final ConnKey server = new ConnKey();
    /** The template the last {@link #select} followed or made, for {@link LbPath#open}; -1 for none. */
    int template = -1;

    Persistence(LbPath lb) {
        this.lb = lb;
    }

    /**
     * The destination of {@code svc} for a new connection described by {@code flow}: the persistent
     * client network's server, else the scheduler's choice (remembered for persistent services).
     * Returns {@link Scheduler#NONE} when the scheduler has no server to offer.
     */
    int select(ServiceRuntime svc, FlowInput flow) {
        template = -1;
        if (svc.persistSeconds == 0) {
            return svc.scheduler.select(flow);
        }
        ConnTable conns = lb.conns;
        if (flow.family() == FlowInput.IPV4) {
            key.setTemplateV4(flow.protocol(), (int) (flow.srcLo() & svc.persistMaskLo), (int) flow.dstLo(),
                    svc.servicePort);
        } else {
            key.setTemplateV6(flow.protocol(), flow.srcHi() & svc.persistMaskHi, flow.srcLo() & svc.persistMaskLo,
                    flow.dstHi(), flow.dstLo(), svc.servicePort);
        }
        int ref = conns.lookup(key);
        if (ref >= 0) {
            int t = ConnTable.conn(ref);
            int d = configuredServer(svc, conns, t);
            if (d < 0) {
                d = svc.scheduler.select(flow);
                if (d == Scheduler.NONE) {
                    return d;
                }
                conns.retarget(t, serverTuple(svc, d, flow.protocol()), svc.mode[d]);
            }
            template = t;
            return d;
        }
        int d = svc.scheduler.select(flow);
        if (d != Scheduler.NONE) {
            // -1 when the table is full: the connection goes unremembered (and the table most likely refuses it too)
            template = conns.insertTemplate(key, serverTuple(svc, d, flow.protocol()), svc.mode[d], svc.persistSeconds,
                    lb.now);
        }
        return d;
    }

    /** The destination index in {@code svc} of template {@code t}'s real server, or -1 if it is not configured (any more). */
    private static int configuredServer(ServiceRuntime svc, ConnTable conns, int t) {
        long hi = conns.srcHi(t, ConnTable.REPLY);
        long lo = conns.srcLo(t, ConnTable.REPLY);
        int port = conns.srcPort(t, ConnTable.REPLY);
        boolean v4 = ConnKey.isV4(hi, lo);
        for (int d = 0; d < svc.serverPort.length; d++) {
            if (svc.serverPort[d] == port && svc.serverV6[d] != v4
                    && (v4 ? (int) lo == (int) svc.serverLo[d] : hi == svc.serverHi[d] && lo == svc.serverLo[d])) {
                return d;
            }
        }
        return -1;
    }

    /**
     * The template's server side, as {@code -Lnc} shows it: the server and its configured port (0 for
     * "the client's port"); the other end is left empty, nothing reads it.
     */
    private ConnKey serverTuple(ServiceRuntime svc, int d, int protocol) {
        if (svc.serverV6[d]) {
            return server.setV6(protocol, svc.serverHi[d], svc.serverLo[d], svc.serverPort[d], 0, 0, 0);
        }
        return server.setV4(protocol, (int) svc.serverLo[d], svc.serverPort[d], 0, 0);
    }
}
