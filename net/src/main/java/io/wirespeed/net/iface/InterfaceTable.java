package io.wirespeed.net.iface;

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
    private final int[] localV4, localV4If;
    private final long[] localV6Hi, localV6Lo;
    private final int[] localV6If;

    public InterfaceTable(List<NetInterface> interfaces) {
        this.byIndex = interfaces.toArray(NetInterface[]::new);
        for (int i = 0; i < byIndex.length; i++) {
            if (byIndex[i].index() != i) {
                throw new IllegalArgumentException("interface " + byIndex[i].name() + " has index " + byIndex[i].index() + " at " + i);
            }
        }
        int maxPort = Arrays.stream(byIndex).mapToInt(NetInterface::port).max().orElse(-1);
        untaggedByPort = new int[maxPort + 1];
        Arrays.fill(untaggedByPort, -1);
        List<NetInterface> vlans = new ArrayList<>();
        List<int[]> v4 = new ArrayList<>();
        List<Object[]> v6 = new ArrayList<>();
        for (NetInterface nif : byIndex) {
            if (nif.vlan() == 0) {
                untaggedByPort[nif.port()] = nif.index();
            } else {
                vlans.add(nif);
            }
            for (Ipv4Address a : nif.v4()) {
                v4.add(new int[] {a.addr(), nif.index()});
            }
            Ipv6Address ll = nif.linkLocal();
            v6.add(new Object[] {ll.hi(), ll.lo(), nif.index()});
            for (Ipv6Address a : nif.v6()) {
                v6.add(new Object[] {a.hi(), a.lo(), nif.index()});
            }
        }
        vlanPort = vlans.stream().mapToInt(NetInterface::port).toArray();
        vlanId = vlans.stream().mapToInt(NetInterface::vlan).toArray();
        vlanIf = vlans.stream().mapToInt(NetInterface::index).toArray();
        localV4 = v4.stream().mapToInt(x -> x[0]).toArray();
        localV4If = v4.stream().mapToInt(x -> x[1]).toArray();
        localV6Hi = v6.stream().mapToLong(x -> (Long) x[0]).toArray();
        localV6Lo = v6.stream().mapToLong(x -> (Long) x[1]).toArray();
        localV6If = v6.stream().mapToInt(x -> (Integer) x[2]).toArray();
    }

    public static InterfaceTable empty() { return new InterfaceTable(List.of()); }

    public int size() { return byIndex.length; }

    public NetInterface get(int ifIndex) { return byIndex[ifIndex]; }

    public List<NetInterface> all() { return List.of(byIndex); }

    public NetInterface byName(String name) {
        for (NetInterface n : byIndex) {
            if (n.name().equals(name)) return n;
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
        for (Ipv4Address a : byIndex[ifIndex].v4()) {
            if (a.broadcast() == addr) return true;
        }
        return false;
    }

    /** Source address for a packet we originate on {@code ifIndex} towards {@code dst}: same subnet first. */
    public int sourceV4(int ifIndex, int dst) {
        NetInterface nif = byIndex[ifIndex];
        for (Ipv4Address a : nif.v4()) {
            if (a.sameSubnet(dst)) return a.addr();
        }
        return nif.primaryV4();
    }
}
