package io.wirespeed.core.stats;

import java.util.List;

/**
 * The process-wide table of drop reasons, as VPP's per-node error tables: each stage registers its
 * reasons once (typically in a static initializer) and keeps the returned {@link DropReason}s; the
 * per-packet path then only does {@code counters.inc(reason)}. Ids are dense, starting at 0, so
 * every worker's {@link Counters} is a flat array of {@link #MAX} slots.
 */
public final class DropReasons {
    /** Capacity of the registry and of every {@link Counters}. */
    public static final int MAX = 512;

    private static final DropReasonTable TABLE = new DropReasonTable(MAX);

    private DropReasons() {}

    /**
     * Registers {@code stage/name} and returns its reason; registering the same pair again returns
     * the same reason. Thread safe. Throws when a part is empty, contains '/', or all {@link #MAX}
     * ids are taken.
     */
    public static DropReason register(String stage, String name) { return TABLE.register(stage, name); }

    /** Every registered reason, in id order (an immutable snapshot). */
    public static List<DropReason> all() { return TABLE.all(); }

    public static int count() { return TABLE.all().size(); }

    /** The reason with this id; throws when no such id was registered. */
    public static DropReason byId(int id) { return TABLE.byId(id); }
}
