package io.wirespeed.control.config;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * {@code sync:} session sync between load-balancer nodes (docs/session-sync.md): the address this
 * node sends from and receives on, the peers' such addresses (the only senders it accepts), and its
 * node id (in every datagram it sends; unique in the cluster).
 */
public record SyncConfig(InetSocketAddress listen, List<InetSocketAddress> peers, long nodeId) {
    public static final int DEFAULT_PORT = 8848;

    public SyncConfig {
        peers = List.copyOf(peers);
    }
}
