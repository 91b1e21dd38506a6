package io.wirespeed.net.neigh;

import java.util.ArrayList;
import java.util.List;

/**
 * ARP and ND entries of all interfaces. Lock-free for readers (workers: one volatile read of the
 * slot array, then open-addressing probes), one writer (the master) that publishes a new slot
 * array when an entry is added or removed. Entries change state in place.
 */
public final class NeighbourTable {
    private final int maxEntries;
    private volatile Neighbour[] slots = new Neighbour[64];
    private int size;

    public NeighbourTable(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    public Neighbour lookup4(int ifIndex, int addr) {
        Neighbour[] s = slots;
        int mask = s.length - 1;
        for (int i = Neighbour.hash4(ifIndex, addr) & mask; ; i = (i + 1) & mask) {
            Neighbour n = s[i];
            if (n == null || n.matches4(ifIndex, addr)) return n;
        }
    }

    public Neighbour lookup6(int ifIndex, long hi, long lo) {
        Neighbour[] s = slots;
        int mask = s.length - 1;
        for (int i = Neighbour.hash6(ifIndex, hi, lo) & mask; ; i = (i + 1) & mask) {
            Neighbour n = s[i];
            if (n == null || n.matches6(ifIndex, hi, lo)) return n;
        }
    }

    public int size() { return size; }

    public boolean full() { return size >= maxEntries; }

    /** Adds an entry (master only). The caller has checked it is absent and the table not full. */
    void insert(Neighbour n) {
        Neighbour[] s = slots;
        if ((size + 1) * 2 > s.length) {
            s = rehash(s, s.length * 2, null);
        } else {
            s = s.clone();
        }
        place(s, n);
        size++;
        slots = s;
    }

    void remove(Neighbour gone) {
        slots = rehash(slots, slots.length, gone);
        size--;
    }

    private static Neighbour[] rehash(Neighbour[] old, int capacity, Neighbour skip) {
        Neighbour[] s = new Neighbour[capacity];
        for (Neighbour n : old) {
            if (n != null && n != skip) place(s, n);
        }
        return s;
    }

    private static void place(Neighbour[] s, Neighbour n) {
        int mask = s.length - 1;
        int i = n.hash() & mask;
        while (s[i] != null) i = (i + 1) & mask;
        s[i] = n;
    }

    public List<Neighbour> entries() {
        List<Neighbour> out = new ArrayList<>();
        for (Neighbour n : slots) {
            if (n != null) out.add(n);
        }
        return out;
    }
}
