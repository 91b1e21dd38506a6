package io.wirespeed.lb.sched;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Destination lists and random flows for the scheduler tests. */
final class Dests {
    private Dests() {}

    /** Destinations 198.19.0.11:80, .12:80, ... with these weights and no thresholds. */
    static List<Destination> weights(int... weights) {
        List<Destination> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            list.add(Destination.of(i, key(i), weights[i]));
        }
        return list;
    }

    /** {@code n} destinations of weight 1 whose keys are numbered from {@code firstKey}. */
    static List<Destination> equal(int firstKey, int n) {
        List<Destination> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(Destination.of(i, key(firstKey + i), 1));
        }
        return list;
    }

    /** The same destinations re-indexed in a new order (what another node may have). */
    static List<Destination> reindexed(List<Destination> order) {
        List<Destination> list = new ArrayList<>();
        for (Destination d : order) {
            list.add(new Destination(list.size(), d.weight(), d.upperThreshold(), d.lowerThreshold(), d.key()));
        }
        return list;
    }

    static String key(int i) {
        return "198.19." + (i / 200) + "." + (11 + i % 200) + ":80";
    }

    /** A TCP flow from a random IPv4 client port to the VIP 198.18.0.100:80. */
    static FlowInput randomFlow(FlowInput in, SplittableRandom rnd) {
        return in.ipv4(6, rnd.nextInt(), 1024 + rnd.nextInt(64512), 0xC6120064, 80);
    }

    /** The keys the scheduler picks for {@code flows} random flows (seeded, so repeatable). */
    static String[] picks(Scheduler s, List<Destination> dests, int flows, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        FlowInput in = new FlowInput();
        String[] keys = new String[flows];
        for (int f = 0; f < flows; f++) {
            int d = s.select(randomFlow(in, rnd));
            keys[f] = d < 0 ? null : dests.get(d).key();
        }
        return keys;
    }

    /** Share of positions where the two pick lists differ. */
    static double changed(String[] before, String[] after) {
        int moved = 0;
        for (int i = 0; i < before.length; i++) {
            if (!before[i].equals(after[i])) {
                moved++;
            }
        }
        return (double) moved / before.length;
    }

    /** Picks counted per destination index. */
    static int[] histogram(Scheduler s, int destinations, int flows, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        FlowInput in = new FlowInput();
        int[] counts = new int[destinations];
        for (int f = 0; f < flows; f++) {
            counts[s.select(randomFlow(in, rnd))]++;
        }
        return counts;
    }
}
