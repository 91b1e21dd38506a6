package io.wirespeed.core.os;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LibcTest {
    @Test
    void pinsOnlyTheCallingThread() throws Exception {
        int[] cpus = Libc.allowedCpus();
        assertTrue(cpus.length >= 1);
        int target = cpus[cpus.length - 1];
        int[] seen = new int[2];
        Thread t = new Thread(() -> {
            Libc.pinCurrentThread(target);
            seen[0] = Libc.currentCpu();
            try {
                String status = Files.readString(Path.of("/proc/thread-self/status"));
                seen[1] = status.contains("Cpus_allowed_list:\t" + target + "\n") ? 1 : 0;
            } catch (Exception e) {
                seen[1] = -1;
            }
        });
        t.start();
        t.join();
        assertEquals(target, seen[0]);
        assertEquals(1, seen[1], "thread affinity list should be exactly the pinned cpu");
        // the test thread itself keeps the full mask
        assertArrayEquals(cpus, Libc.allowedCpus());
    }

    @Test
    void errnoIsCapturedAndNamed() {
        OsException e = assertThrows(OsException.class, () -> Libc.ifNameToIndex("nosuchif0"));
        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(e.getMessage().contains("nosuchif0"), e.getMessage());
        assertTrue(e.getMessage().contains("ENODEV"), e.getMessage());
        OsException c = assertThrows(OsException.class, () -> Libc.close(1_000_000));
        assertEquals(Errno.EBADF, c.errno());
    }

    @Test
    void loopbackHasAnIndex() {
        assertEquals(1, Libc.ifNameToIndex("lo"));
    }
}
