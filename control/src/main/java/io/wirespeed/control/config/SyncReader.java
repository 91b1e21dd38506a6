package io.wirespeed.control.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code sync: {listen: ADDR:PORT, peers: [ADDR:PORT, ...], node_id: N}}; absent means no
 * session sync. Addresses are IP literals (no resolver at start), unicast, one family; the listen
 * address is one of this node's (checked when the socket binds), never a wildcard: peers
 * recognise a sender by its exact address and port.
 */
final class SyncReader {
    static final List<String> KEYS = List.of("listen", "peers", "node_id");
    /** Node ids go into a 32-bit header field. */
    static final long MAX_NODE_ID = 0xFFFF_FFFFL;
    private static final int MAX_PEERS = 32;

    private SyncReader() {}

    static Optional<SyncConfig> read(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty() || field.get().isNull()) {
            return Optional.empty();
        }
        YamlMapping m = field.get().mapping("the session sync settings", KEYS);
        YamlField listenField = m.required("listen", "this node's sync address and port, e.g. \"198.18.2.11:" + SyncConfig.DEFAULT_PORT + "\"");
        InetSocketAddress listen = address(listenField);
        YamlField peersField = m.required("peers", "the other nodes' sync addresses, e.g. [\"198.18.2.12:" + SyncConfig.DEFAULT_PORT + "\"]");
        List<YamlField> items = peersField.list("a list of ADDR:PORT");
        if (items.isEmpty()) {
            throw peersField.error("no peers: session sync needs at least one other node");
        }
        if (items.size() > MAX_PEERS) {
            throw peersField.error(items.size() + " peers, at most " + MAX_PEERS + " are supported");
        }
        List<InetSocketAddress> peers = new ArrayList<>();
        Set<InetSocketAddress> seen = new HashSet<>();
        for (YamlField item : items) {
            InetSocketAddress peer = address(item);
            if (peer.equals(listen)) {
                throw item.error(text(peer) + " is this node's own listen address");
            }
            if (!seen.add(peer)) {
                throw item.error(text(peer) + " is listed twice");
            }
            if ((peer.getAddress() instanceof java.net.Inet6Address) != (listen.getAddress() instanceof java.net.Inet6Address)) {
                throw item.error(text(peer) + " is not of the listen address's family (one socket sends to every peer)");
            }
            peers.add(peer);
        }
        YamlField id = m.required("node_id", "this node's id, a number unique in the cluster (1.." + MAX_NODE_ID + ")");
        long nodeId = id.integer(1, MAX_NODE_ID);
        return Optional.of(new SyncConfig(listen, peers, nodeId));
    }

    private static InetSocketAddress address(YamlField f) throws ConfigException {
        SocketAddressField.Parsed a = SocketAddressField.read(f,
                f.string("an ADDRESS:PORT such as 198.18.2.11:" + SyncConfig.DEFAULT_PORT), "2001:db8::1");
        InetAddress addr = a.address().getAddress();
        if (addr.isAnyLocalAddress() || addr.isMulticastAddress() || addr.isLoopbackAddress()) {
            throw f.error(a.host() + " is a wildcard, multicast or loopback address: sync needs a unicast address on the"
                    + " sync network");
        }
        return a.address();
    }

    private static String text(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
