package io.wirespeed.lb.sched;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A service's destinations flattened into arrays, validated once on the control plane and shared
 * (read only) by every worker's scheduler for that snapshot.
 */
final class DestinationSet {
    final int size;
    final int[] weight;
    final int[] upper;
    final int[] lower;
    final String[] key;
    /** Largest weight, 0 when all are drained. */
    final int maxWeight;
    /** Greatest common divisor of the non-zero weights, 0 when all are drained. */
    final int weightGcd;

    DestinationSet(List<Destination> destinations) {
        if (destinations == null) {
            throw new IllegalArgumentException("destination list is missing (null)");
        }
        size = destinations.size();
        weight = new int[size];
        upper = new int[size];
        lower = new int[size];
        key = new String[size];
        Set<String> keys = new HashSet<>();
        int max = 0;
        int gcd = 0;
        for (int i = 0; i < size; i++) {
            Destination d = destinations.get(i);
            if (d == null) {
                throw new IllegalArgumentException("destination " + i + " is missing (null)");
            }
            if (d.index() != i) {
                throw new IllegalArgumentException("destination " + d.key() + " has index " + d.index()
                        + " but is at position " + i + " of the list");
            }
            if (!keys.add(d.key())) {
                throw new IllegalArgumentException("duplicate destination key " + d.key());
            }
            weight[i] = d.weight();
            upper[i] = d.upperThreshold();
            lower[i] = d.lowerThreshold();
            key[i] = d.key();
            max = Math.max(max, d.weight());
            gcd = gcd(gcd, d.weight());
        }
        maxWeight = max;
        weightGcd = gcd;
    }

    /** Indices of the destinations with a weight, sorted by key: an order every node agrees on. */
    int[] weightedByKey() {
        return IntStream.range(0, size)
                .filter(i -> weight[i] > 0)
                .boxed()
                .sorted((a, b) -> key[a].compareTo(key[b]))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
