package io.wirespeed.lb.path;

import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnKey;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.conn.StateChange;
import io.wirespeed.lb.service.VipIndex;
import io.wirespeed.lb.sync.SyncOutcome;
import io.wirespeed.lb.sync.SyncRecord;
import java.lang.foreign.MemorySegment;

/**
 * Installs connections a peer node synced ({@link SyncRecord}s) into this worker's table, on the
 * worker (its mailbox), so the flow continues here when the router moves it from the peer. A
 * record is trusted only as far as this node's own configuration agrees with it: its virtual
 * service must exist here and have its real server with the same forwarding mode, and the entry
 * points at this node's destination slot for that server. Anything else is skipped and counted:
 * a flow without an entry is re-scheduled or dropped, never sent somewhere the configuration does
 * not name.
 *
 * <p>A full-NAT connection also keeps its local address and port: the address must be one of the
 * service's here (a standby one, normally: the peer's, which BGP moves here when the peer dies) and
 * the port is claimed in this worker's share of it, so no new connection takes it while the synced
 * one lives. Its sequence deltas and inserted bytes come along, so the renumbering continues.
 */
final class SyncedConnections {
    private static final long MS = 1_000_000L;
    /** What a full-NAT connection has done that must not be done twice: chosen its ISN, sent the client address. */
    private static final int FULL_NAT_FACTS = ConnFlags.ISN_CHOSEN | ConnFlags.TOA_SENT | ConnFlags.PROXY_PROTOCOL_SENT;

    private final LbPath lb;
    private final ConnKey original = new ConnKey();
    private final ConnKey reply = new ConnKey();

    SyncedConnections(LbPath lb) {
        this.lb = lb;
    }

    SyncOutcome install(MemorySegment m, long r, long nowNanos) {
        int proto = SyncRecord.u8(m, r + SyncRecord.PROTOCOL);
        int family = SyncRecord.u8(m, r + SyncRecord.FAMILY);
        int state = SyncRecord.u8(m, r + SyncRecord.STATE);
        if (!valid(proto, family, state)) {
            return SyncOutcome.BAD_RECORD;
        }
        int mode = SyncRecord.u8(m, r + SyncRecord.MODE);
        if (mode != ConnFlags.MODE_NAT && mode != ConnFlags.MODE_DR && mode != ConnFlags.MODE_TUN
                && mode != ConnFlags.MODE_FNAT && mode != ConnFlags.MODE_NAT64) {
            return SyncOutcome.UNSUPPORTED;
        }
        boolean v6 = family == 6;
        boolean nat64 = mode == ConnFlags.MODE_NAT64;
        boolean serverV6 = v6 && !nat64; // NAT64: the server and local address side is IPv4
        if (nat64 && !v6 || !familyMatches(m, r, v6, serverV6)) {
            return SyncOutcome.BAD_RECORD;
        }
        long clientHi = SyncRecord.hi(m, r + SyncRecord.CLIENT), clientLo = SyncRecord.lo(m, r + SyncRecord.CLIENT);
        int clientPort = SyncRecord.u16(m, r + SyncRecord.CLIENT_PORT);
        // the data path hashes an IPv4 client as (0, address), not in the ::ffff: form records carry
        if (lb.ownerByClient(v6 ? clientHi : 0, v6 ? clientLo : clientLo & 0xFFFF_FFFFL, clientPort) != lb.worker) {
            return SyncOutcome.NOT_MINE;
        }
        long vipHi = SyncRecord.hi(m, r + SyncRecord.VIRTUAL), vipLo = SyncRecord.lo(m, r + SyncRecord.VIRTUAL);
        int vipPort = SyncRecord.u16(m, r + SyncRecord.VIRTUAL_PORT);
        WorkerServices services = lb.services;
        int s = services.vips.lookup(proto, v6, v6 ? vipHi : 0, v6 ? vipLo : vipLo & 0xFFFF_FFFFL, vipPort);
        if (s == VipIndex.NONE) {
            return SyncOutcome.UNKNOWN_SERVICE;
        }
        ServiceRuntime svc = services.services[s];
        long serverHi = SyncRecord.hi(m, r + SyncRecord.SERVER), serverLo = SyncRecord.lo(m, r + SyncRecord.SERVER);
        int serverPort = SyncRecord.u16(m, r + SyncRecord.SERVER_PORT);
        // a NAT64 connection is the service's full-NAT server reached over IPv4
        int d = destination(svc, nat64 ? ConnFlags.MODE_FNAT : mode, serverV6, serverHi, serverLo, serverPort, vipPort);
        if (d < 0) {
            return SyncOutcome.UNKNOWN_SERVER;
        }
        long backHi = clientHi, backLo = clientLo; // where the server's replies go: the client, or our local address
        int backPort = clientPort;
        int localPool = -1;
        boolean fullNat = mode == ConnFlags.MODE_FNAT || nat64;
        if (fullNat) {
            backHi = SyncRecord.hi(m, r + SyncRecord.LOCAL);
            backLo = SyncRecord.lo(m, r + SyncRecord.LOCAL);
            backPort = SyncRecord.u16(m, r + SyncRecord.LOCAL_PORT);
            localPool = services.localPoolOf(svc, serverV6, backHi, backLo);
            if (localPool < 0) {
                return SyncOutcome.UNKNOWN_LOCAL_ADDRESS;
            }
            if (lb.ownerByLocalPort(backPort) != lb.worker) {
                return SyncOutcome.LOCAL_PORT_ELSEWHERE;
            }
        }
        if (nat64) {
            original.setV6(proto, clientHi, clientLo, clientPort, vipHi, vipLo, vipPort);
            reply.setV4(proto, (int) serverLo, serverPort, (int) backLo, backPort);
        } else if (v6) {
            original.setV6(proto, clientHi, clientLo, clientPort, vipHi, vipLo, vipPort);
            reply.setV6(proto, serverHi, serverLo, serverPort, backHi, backLo, backPort);
        } else {
            original.setV4(proto, (int) clientLo, clientPort, (int) vipLo, vipPort);
            reply.setV4(proto, (int) serverLo, serverPort, (int) backLo, backPort);
        }
        long remaining = Math.max(1, SyncRecord.u32(m, r + SyncRecord.TIMEOUT_MS)) * MS;
        ConnTable conns = lb.conns;
        int slot = svc.slot[d];
        int ref = conns.lookup(original);
        if (ref >= 0) {
            return refresh(ConnTable.conn(ref), slot, state, remaining, nowNanos);
        }
        if (conns.lookup(reply) >= 0) {
            return SyncOutcome.CONFLICT;
        }
        if (localPool >= 0 && !services.localPorts(localPool).reserve(backPort)) {
            return SyncOutcome.LOCAL_PORT_TAKEN;
        }
        int conn = conns.insert(original, reply, state, mode, nowNanos);
        if (conn < 0) {
            if (localPool >= 0) {
                services.localPorts(localPool).release(backPort);
            }
            return SyncOutcome.TABLE_REFUSED;
        }
        conns.destination(conn, slot);
        conns.service(conn, localPool); // full NAT: the pool the port goes back to when the connection ends; -1 otherwise
        if (fullNat) {
            conns.addFlags(conn, SyncRecord.u16(m, r + SyncRecord.FLAGS) & FULL_NAT_FACTS);
            conns.seqDelta(conn, ConnTable.ORIGINAL, (int) SyncRecord.u32(m, r + SyncRecord.SEQ_DELTA_ORIGINAL));
            conns.seqDelta(conn, ConnTable.REPLY, (int) SyncRecord.u32(m, r + SyncRecord.SEQ_DELTA_REPLY));
            conns.inserted(conn, SyncRecord.u8(m, r + SyncRecord.INSERTED));
        }
        services.destinations.adopted(slot);
        services.destinations.activeChanged(slot, StateChange.activeDelta(StateChange.of(ConnState.NONE, state)));
        conns.expireIn(conn, remaining, nowNanos);
        return SyncOutcome.INSTALLED;
    }

    /** The connection is here already: take the peer's state and timeout if it is the same flow to the same server. */
    private SyncOutcome refresh(int conn, int slot, int state, long remaining, long nowNanos) {
        ConnTable conns = lb.conns;
        if (conns.isTemplate(conn) || conns.destination(conn) != slot
                || conns.lookup(reply) != ConnTable.ref(conn, ConnTable.REPLY)) {
            return SyncOutcome.CONFLICT;
        }
        int change = conns.setState(conn, state, nowNanos);
        lb.services.destinations.activeChanged(slot, StateChange.activeDelta(change));
        conns.expireIn(conn, remaining, nowNanos);
        return SyncOutcome.UPDATED;
    }

    /** Destination index of {@code svc} with this server and mode, or -1. A server port 0 means "the service's port". */
    private static int destination(ServiceRuntime svc, int mode, boolean v6, long hi, long lo, int port, int vipPort) {
        long wantLo = v6 ? lo : lo & 0xFFFF_FFFFL;
        for (int d = 0; d < svc.slot.length; d++) {
            int p = svc.serverPort[d] == 0 ? vipPort : svc.serverPort[d];
            long haveLo = svc.serverV6[d] ? svc.serverLo[d] : svc.serverLo[d] & 0xFFFF_FFFFL;
            if (svc.mode[d] == mode && svc.serverV6[d] == v6 && (!v6 || svc.serverHi[d] == hi) && haveLo == wantLo
                    && p == port) {
                return d;
            }
        }
        return -1;
    }

    /**
     * The family byte and the address forms agree: IPv4 addresses are IPv4-mapped, IPv6 ones never
     * are; the server side (server, local address) may be IPv4 under an IPv6 client (NAT64).
     */
    private static boolean familyMatches(MemorySegment m, long r, boolean v6, boolean serverV6) {
        return isV4(m, r + SyncRecord.CLIENT) != v6 && isV4(m, r + SyncRecord.VIRTUAL) != v6
                && isV4(m, r + SyncRecord.SERVER) != serverV6 && isV4(m, r + SyncRecord.LOCAL) != serverV6;
    }

    private static boolean isV4(MemorySegment m, long at) {
        return ConnKey.isV4(SyncRecord.hi(m, at), SyncRecord.lo(m, at));
    }

    private static boolean valid(int proto, int family, int state) {
        if (family != 4 && family != 6) {
            return false;
        }
        return proto == 6 && ConnState.isTcp(state) || proto == 17 && state == ConnState.UDP;
    }
}
