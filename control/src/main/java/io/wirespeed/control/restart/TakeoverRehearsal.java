package io.wirespeed.control.restart;

import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnKey;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.conn.ConnTableFile;
import io.wirespeed.lb.conn.ConnTimeouts;
import io.wirespeed.lb.path.LbPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Runs a takeover on a scratch table file before the real one, while the old daemon still
 * forwards. The real takeover happens in the forwarding gap, and a fresh JVM would spend most of
 * that gap loading the load balancer's classes and interpreting the loop that walks every entry
 * of the table (measured: about 270 ms of a 330 ms gap for 65536 entries). Rehearsed a few times on a
 * table of the same size, half full, those are loaded and compiled when the gap starts.
 *
 * <p>The rehearsal must take the branches the real takeover takes: its entries are half carried (they
 * name a real server of the configuration, through a destination directory the rehearsal's own load
 * balancer writes) and half ended. When every rehearsed entry was ended, the compiled walk had no code
 * for carrying one; the real takeover's first carried connection sent it back to the interpreter, and
 * the walk of 65536 entries took 24 ms of the gap (2026-11-23). Build the rehearsal's load balancers on a
 * scratch service table: carrying counts connections on the table's per-server gauges.
 */
public final class TakeoverRehearsal {
    private static final int ROUNDS = 8;

    private TakeoverRehearsal() {}

    /**
     * @param scratch a file path nobody else uses (removed afterwards, with its directory file)
     * @param build makes a load balancer on a table file, as the takeover does, but not installed anywhere
     */
    public static void run(Path scratch, int capacity, Function<ConnTableFile, LbPath> build) {
        try {
            try (LbPath first = build.apply(ConnTableFile.create(scratch, capacity, ConnTable.newHashKey(), ConnTable.newHashKey()))) {
                first.handOver(); // writes what its destination slots mean: the directory every round reads
            }
            for (int round = 0; round < ROUNDS; round++) {
                fill(scratch, capacity);
                try (LbPath lb = build.apply(ConnTableFile.attach(scratch, capacity))) {
                    lb.handOver(); // the table stays as this round left it for the next
                }
            }
        } finally {
            try {
                Files.deleteIfExists(scratch);
                Files.deleteIfExists(scratch.resolveSibling(scratch.getFileName() + ".dests"));
            } catch (IOException e) {
                throw new IllegalStateException("cannot remove the rehearsal table " + scratch + ": " + e, e);
            }
        }
    }

    /**
     * Half the entries in use, as full-NAT TCP connections from made-up clients; of those, every
     * other names destination slot 0 (the configuration's first real server, if it has one: carried)
     * and the rest a slot the directory does not have (ended). Entries left by the previous round stay.
     */
    private static void fill(Path scratch, int capacity) {
        long now = System.nanoTime();
        try (ConnTable table = new ConnTable(ConnTableFile.attach(scratch, capacity), ConnTimeouts.defaults(), c -> { }, now)) {
            ConnKey original = new ConnKey();
            ConnKey reply = new ConnKey();
            for (int i = 0; table.size() < capacity / 2 && i < capacity; i++) {
                original.setV4(6, 0x0A00_0000 + i, 1024 + (i & 0x7FFF), 0x0A01_0001, 80);
                reply.setV4(6, 0x0A02_0001, 80, 0x0A03_0000 + i, 1024 + (i & 0x7FFF));
                int conn = table.insert(original, reply, (i & 2) == 0 ? ConnState.ESTABLISHED : ConnState.FIN_WAIT,
                        ConnFlags.MODE_FNAT, now);
                if (conn >= 0) {
                    table.destination(conn, (i & 1) == 0 ? 0 : UNKNOWN_SLOT);
                    table.service(conn, -1); // no local pool: nothing to take out of a free list
                }
            }
            table.handOver();
        }
    }

    /** A destination slot no directory names. */
    private static final int UNKNOWN_SLOT = 0x7FFF_FFF0;
}
