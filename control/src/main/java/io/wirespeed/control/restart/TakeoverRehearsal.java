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
 * table of the same size, half full, those are loaded and compiled when the gap starts. Three rounds
 * were not enough: attaching a 65536-entry table still took 30-50 ms in the gap, as a fourth to eighth
 * attach does in a fresh JVM before the C2-compiled walk brings it to 2-9 ms (timed by hand, 2026-11-23).
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
            ConnTableFile.create(scratch, capacity, ConnTable.newHashKey(), ConnTable.newHashKey()).close();
            for (int round = 0; round < ROUNDS; round++) {
                fill(scratch, capacity);
                // no destination directory: every entry is "of an unknown server" and ended, which walks the
                // same loops (scan, renumber, end) as carrying it would
                try (LbPath lb = build.apply(ConnTableFile.attach(scratch, capacity))) {
                    if (lb.connectionCount() != 0) {
                        throw new IllegalStateException("rehearsal left " + lb.connectionCount() + " connections");
                    }
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

    /** Half the entries in use, as full-NAT TCP connections from made-up clients. */
    private static void fill(Path scratch, int capacity) {
        long now = System.nanoTime();
        try (ConnTable table = new ConnTable(ConnTableFile.attach(scratch, capacity), ConnTimeouts.defaults(), c -> { }, now)) {
            ConnKey original = new ConnKey();
            ConnKey reply = new ConnKey();
            for (int i = 0; i < capacity / 2; i++) {
                original.setV4(6, 0x0A00_0000 + i, 1024 + (i & 0x7FFF), 0x0A01_0001, 80);
                reply.setV4(6, 0x0A02_0001, 80, 0x0A03_0000 + i, 1024 + (i & 0x7FFF));
                table.insert(original, reply, ConnState.ESTABLISHED, ConnFlags.MODE_FNAT, now);
            }
            table.handOver();
        }
    }
}
