package io.wirespeed.control.sync;

import static io.wirespeed.control.sync.PeerSequences.Verdict.FIRST;
import static io.wirespeed.control.sync.PeerSequences.Verdict.GAP;
import static io.wirespeed.control.sync.PeerSequences.Verdict.NEXT;
import static io.wirespeed.control.sync.PeerSequences.Verdict.OLD;
import static io.wirespeed.control.sync.PeerSequences.Verdict.RESTARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class PeerSequencesTest {
    final InetSocketAddress a = new InetSocketAddress("198.18.2.11", 8848);
    final InetSocketAddress b = new InetSocketAddress("198.18.2.12", 8848);
    final PeerSequences s = new PeerSequences();

    @Test
    void inOrderGapsDuplicatesAndLateDatagrams() {
        assertEquals(FIRST, s.accept(a, 1, 5, 10), "a peer may be met mid-stream");
        assertEquals(NEXT, s.accept(a, 1, 5, 11));
        assertEquals(OLD, s.accept(a, 1, 5, 11), "duplicate");
        assertEquals(GAP, s.accept(a, 1, 5, 15));
        assertEquals(3, s.lastGap(), "12, 13 and 14 were lost");
        assertEquals(OLD, s.accept(a, 1, 5, 13), "a late one after a newer was applied");
        assertEquals(NEXT, s.accept(a, 1, 5, 16));
        assertEquals(FIRST, s.accept(b, 2, 9, 0), "peers are counted apart");
        assertEquals(NEXT, s.accept(a, 1, 5, 17));
    }

    @Test
    void aNewEpochOrNodeIdStartsCountingAgain() {
        s.accept(a, 1, 5, 1000);
        assertEquals(RESTARTED, s.accept(a, 1, 6, 0), "the peer restarted: its sequence begins at 0 again");
        assertEquals(NEXT, s.accept(a, 1, 6, 1));
        assertEquals(RESTARTED, s.accept(a, 3, 6, 2), "another node id from the same address");
    }

    @Test
    void theSequenceIsUnsigned() {
        s.accept(a, 1, 5, -2); // 2^64 - 2
        assertEquals(NEXT, s.accept(a, 1, 5, -1));
        assertEquals(OLD, s.accept(a, 1, 5, 5), "no wrap within an epoch: 2^64 datagrams are never sent");
    }
}
