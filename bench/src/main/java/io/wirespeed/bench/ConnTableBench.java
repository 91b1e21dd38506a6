package io.wirespeed.bench;

import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnKey;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.conn.ConnTimeouts;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The connection table as the LB data path uses it, one worker's table.
 * <ul>
 * <li>{@code lookupHit}: a table holding {@code entries} FNAT connections, looked up by tuples
 *     spread over all of them (alternating client and reply direction, in an order that defeats
 *     the caches as real traffic does): the per-packet cost of an established flow.</li>
 * <li>{@code lookupHitAndUpdate}: the same plus the TCP state/counter/timer update of the packet.</li>
 * <li>{@code insertExpireChurn}: new UDP connections inserted into a table whose timeout makes
 *     about {@code entries / 2} of them live at any time; each op inserts one and moves the clock,
 *     so the timer wheel expires (listener + index removal) about one per op in steady state.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class ConnTableBench {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ACK = 0x10;

    @Param({"1000000"})
    public int entries;

    private ConnTable established;
    private ConnKey[] lookupKeys;
    private int nextLookup;

    private ConnTable churn;
    private ConnKey[] churnOriginals;
    private ConnKey[] churnReplies;
    private int nextChurn;
    private long now;
    private long step;
    private long expired;

    @Setup(Level.Trial)
    public void setUp() {
        established = new ConnTable(entries, ConnTimeouts.defaults(), conn -> { }, 0);
        lookupKeys = new ConnKey[entries * 2];
        for (int i = 0; i < entries; i++) {
            ConnKey original = client(TCP, i);
            ConnKey reply = reply(TCP, i);
            int conn = established.insert(original, reply, ConnState.ESTABLISHED, ConnFlags.MODE_FNAT, 0);
            if (conn < 0) {
                throw new IllegalStateException("setup insert " + i + " refused");
            }
            // A multiplicative permutation of the order, so consecutive lookups touch unrelated lines.
            int slot = (int) ((2L * i * 0x9E3779B1L) % lookupKeys.length) & ~1;
            lookupKeys[slot] = original;
            lookupKeys[slot + 1] = reply;
        }
        for (int i = 0; i < lookupKeys.length; i++) {
            if (lookupKeys[i] == null) { // permutation collisions: fill the gaps
                lookupKeys[i] = (i & 1) == 0 ? client(TCP, i / 2) : reply(TCP, i / 2);
            }
        }

        churn = new ConnTable(entries, ConnTimeouts.defaults(), conn -> expired++, 0);
        churnOriginals = new ConnKey[entries * 2];
        churnReplies = new ConnKey[entries * 2];
        for (int i = 0; i < churnOriginals.length; i++) {
            churnOriginals[i] = client(UDP, i);
            churnReplies[i] = reply(UDP, i);
        }
        // UDP timeout / step = entries / 2 connections alive in steady state
        step = ConnTimeouts.defaults().nanos(ConnState.UDP) / (entries / 2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (churn.refusedFull() + churn.refusedDuplicate() > 0) {
            System.out.println("churn refused: full=" + churn.refusedFull() + " duplicate=" + churn.refusedDuplicate());
        }
        established.close();
        churn.close();
    }

    private static ConnKey client(int protocol, int i) {
        return new ConnKey().setV4(protocol, 0x0A000000 + (i >>> 14), 1024 + (i & 0x3FFF), 0xC6120064, 80);
    }

    private static ConnKey reply(int protocol, int i) {
        return new ConnKey().setV4(protocol, 0xC613000B, 80, 0xC6130001 + (i >>> 16), i & 0xFFFF);
    }

    @Benchmark
    public int lookupHit() {
        int i = nextLookup;
        nextLookup = i + 1 < lookupKeys.length ? i + 1 : 0;
        return established.lookup(lookupKeys[i]);
    }

    @Benchmark
    public int lookupHitAndUpdate() {
        int i = nextLookup;
        nextLookup = i + 1 < lookupKeys.length ? i + 1 : 0;
        int ref = established.lookup(lookupKeys[i]);
        return established.updateTcp(ref, ACK, 64, 0);
    }

    @Benchmark
    public int insertExpireChurn() {
        int i = nextChurn;
        nextChurn = i + 1 < churnOriginals.length ? i + 1 : 0;
        now += step;
        churn.advance(now);
        return churn.insert(churnOriginals[i], churnReplies[i], ConnState.UDP, ConnFlags.MODE_FNAT, now);
    }
}
