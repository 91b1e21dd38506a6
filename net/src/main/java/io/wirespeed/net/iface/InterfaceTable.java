package io.wirespeed.net.iface;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable snapshot of all interfaces and their addresses, laid out in flat arrays for the
 * workers' per-packet questions ("which interface is port 2, VLAN 10?", "is 198.18.0.1 ours?").
 * The master builds a new one on every change and publishes it; a worker reads the reference once
 * per burst, so a burst is handled against one consistent view.
 */
public final class InterfaceTable {
    private final NetInterface[] byIndex;
    private final int[] untaggedByPort;
    private final int[] vlanPort, vlanId, vlanIf;
    // Every address of every interface in flat arrays: the per-packet questions scan these and never
    // iterate a List (an iterator that escape analysis fails to remove would allocate per packet).
    private final int[] localV4, localV4If, localV4Mask, localV4Bcast;
    private final long[] localV6Hi, localV6Lo;
    private final int[] localV6If;
    private final boolean[] localV6LinkLocal;

    /** {@code interfaces} by index; a null slot is a deleted interface (indices are never reused). */
    public InterfaceTable(List<NetInterface> interfaces) {
        this.byIndex = interfaces.toArray(NetInterface[]::new);
        for (int i = 0; i < byIndex.length; i++) {
            if (byIndex[i] != null && byIndex[i].index() != i) {
                throw new IllegalArgumentException("interface " + byIndex[i].name() + " has index " + byIndex[i].index() + " at " + i);
            }
        }
        NetInterface[] live = Arrays.stream(byIndex).filter(java.util.Objects::nonNull).toArray(NetInterface[]::new);
        int maxPort = Arrays.stream(live).mapToInt(NetInterface::port).max().orElse(-1);
        untaggedByPort = new int[maxPort + 1];
        Arrays.fill(untaggedByPort, -1);
        List<NetInterface> vlans = new ArrayList<>();
        List<Ipv4Address> v4 = new ArrayList<>();
        List<Integer> v4If = new ArrayList<>();
        List<Ipv6Address> v6 = new ArrayList<>();
        List<Integer> v6If = new ArrayList<>();
        for (NetInterface nif : live) {
            if (nif.vlan() == 0) {
                untaggedByPort[nif.port()] = nif.index();
            } else {
                vlans.add(nif);
            }
            for (Ipv4Address a : nif.v4()) {
                v4.add(a);
                v4If.add(nif.index());
            }
            v6.add(nif.linkLocal());
            v6If.add(nif.index());
            for (Ipv6Address a : nif.v6()) {
                v6.add(a);
                v6If.add(nif.index());
            }
        }
        vlanPort = vlans.stream().mapToInt(NetInterface::port).toArray();
        vlanId = vlans.stream().mapToInt(NetInterface::vlan).toArray();
        vlanIf = vlans.stream().mapToInt(NetInterface::index).toArray();
        localV4 = v4.stream().mapToInt(Ipv4Address::addr).toArray();
        localV4If = v4If.stream().mapToInt(Integer::intValue).toArray();
        localV4Mask = v4.stream().mapToInt(a -> Ip4.mask(a.prefixLen())).toArray();
        localV4Bcast = v4.stream().mapToInt(Ipv4Address::broadcast).toArray();
        localV6Hi = v6.stream().mapToLong(Ipv6Address::hi).toArray();
        localV6Lo = v6.stream().mapToLong(Ipv6Address::lo).toArray();
        localV6If = v6If.stream().mapToInt(Integer::intValue).toArray();
        localV6LinkLocal = new boolean[v6.size()];
        for (int i = 0; i < v6.size(); i++) {
            localV6LinkLocal[i] = v6.get(i).linkLocal() || Ip6.isLinkLocal(v6.get(i).hi());
        }
    }

    public static InterfaceTable empty() { return new InterfaceTable(List.of()); }

    /** Slots, deleted ones included: valid indices are 0..size()-1. */
    public int size() { return byIndex.length; }

    /** The interface at {@code ifIndex}, or null if it was deleted. */
    public NetInterface get(int ifIndex) { return byIndex[ifIndex]; }

    /** The interfaces that exist, by index; the list keeps the table's slots for deleted ones out. */
    public List<NetInterface> all() {
        return Arrays.stream(byIndex).filter(java.util.Objects::nonNull).toList();
    }

    /** Every slot, null for deleted interfaces: the base of the next snapshot. */
    public List<NetInterface> slots() { return java.util.Collections.unmodifiableList(Arrays.asList(byIndex)); }

    public NetInterface byName(String name) {
        for (NetInterface n : byIndex) {
            if (n != null && n.name().equals(name)) return n;
        }
        return null;
    }

    /** Interface of an untagged frame on {@code port}, or of VLAN {@code vlan} on it; -1 if none. */
    public int ifFor(int port, int vlan) {
        if (vlan == 0) {
            return port < untaggedByPort.length ? untaggedByPort[port] : -1;
        }
        for (int i = 0; i < vlanPort.length; i++) {
            if (vlanPort[i] == port && vlanId[i] == vlan) return vlanIf[i];
        }
        return -1;
    }

    /** Interface owning IPv4 address {@code addr}, or -1 when it is not ours. */
    public int localV4(int addr) {
        int[] a = localV4;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == addr) return localV4If[i];
        }
        return -1;
    }

    /** Interface owning unicast IPv6 address (hi, lo) (link-local included), or -1. */
    public int localV6(long hi, long lo) {
        for (int i = 0; i < localV6Hi.length; i++) {
            if (localV6Hi[i] == hi && localV6Lo[i] == lo) return localV6If[i];
        }
        return -1;
    }

    /** True for the IPv6 multicast groups an interface listens to: all-nodes and our solicited-node groups. */
    public boolean listensV6(int ifIndex, long hi, long lo) {
        if (hi == 0xff02_0000_0000_0000L && lo == 1L) return true;
        if (hi != 0xff02_0000_0000_0000L || (lo & 0xffff_ffff_ff00_0000L) != 0x0000_0001_ff00_0000L) return false;
        for (int i = 0; i < localV6Hi.length; i++) {
            if (localV6If[i] == ifIndex && Ip6.solicitedNodeLo(localV6Hi[i], localV6Lo[i]) == lo) return true;
        }
        return false;
    }

    /** The directed broadcast of one of {@code ifIndex}'s subnets? (answered like the kernel: local delivery) */
    public boolean isBroadcastV4(int ifIndex, int addr) {
        if (addr == -1) return true;
        for (int i = 0; i < localV4.length; i++) {
            if (localV4If[i] == ifIndex && localV4Bcast[i] == addr) return true;
        }
        return false;
    }

    /** Source address for a packet we originate on {@code ifIndex} towards {@code dst}: same subnet first, 0 if none. */
    public int sourceV4(int ifIndex, int dst) {
        int first = 0;
        for (int i = localV4.length - 1; i >= 0; i--) {
            if (localV4If[i] != ifIndex) continue;
            if (((localV4[i] ^ dst) & localV4Mask[i]) == 0) return localV4[i];
            first = localV4[i];
        }
        return first;
    }

    /**
     * Index (for {@link #localV6Hi}/{@link #localV6Lo}) of the address we send from on {@code ifIndex}
     * to a peer: a global address for global peers, the link-local one otherwise.
     */
    public int sourceV6(int ifIndex, long peerHi) {
        int linkLocal = -1;
        boolean wantGlobal = !Ip6.isLinkLocal(peerHi);
        for (int i = 0; i < localV6Hi.length; i++) {
            if (localV6If[i] != ifIndex) continue;
            if (!localV6LinkLocal[i]) {
                if (wantGlobal) return i;
            } else if (linkLocal < 0) {
                linkLocal = i;
            }
        }
        return linkLocal;
    }

    public long localV6Hi(int i) { return localV6Hi[i]; }

    public long localV6Lo(int i) { return localV6Lo[i]; }
}
