package io.wirespeed.lb.sched;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The ring of conhash: each weighted destination puts virtual nodes on a 64-bit circle, as many as
 * {@code replicas} for the highest weight and proportionally fewer (at least one) for the others; a
 * flow belongs to the first node at or after its hash, wrapping around. Node positions are hashes
 * of the key and the node number, so the ring depends only on keys and weights, not on list order.
 * Immutable, shared by all workers.
 */
final class HashRing {
    private final long[] points;
    private final int[] owners;

    private record Node(long position, int keyRank, int owner) {}

    HashRing(DestinationSet set, int replicas) {
        int[] order = set.weightedByKey();
        List<Node> nodes = new ArrayList<>();
        for (int rank = 0; rank < order.length; rank++) {
            int dest = order[rank];
            long share = Math.max(1, Math.round((double) set.weight[dest] * replicas / set.maxWeight));
            long keyHash = FlowHash.key(set.key[dest]);
            for (long v = 1; v <= share; v++) {
                nodes.add(new Node(FlowHash.mix(keyHash + FlowHash.mix(v)), rank, dest));
            }
        }
        // equal positions (astronomically rare) still sort the same way on every node: by key
        nodes.sort(Comparator.comparingLong(Node::position).thenComparingInt(Node::keyRank));
        points = new long[nodes.size()];
        owners = new int[nodes.size()];
        for (int i = 0; i < points.length; i++) {
            points[i] = nodes.get(i).position();
            owners[i] = nodes.get(i).owner();
        }
    }

    int size() { return points.length; }

    /** Index of the first node at or after {@code hash} (signed order), wrapping to 0 past the end. */
    int nodeOf(long hash) {
        int lo = 0;
        int hi = points.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (points[mid] < hash) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == points.length ? 0 : lo;
    }

    int owner(int node) { return owners[node]; }
}
