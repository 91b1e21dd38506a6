package io.wirespeed.lb.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wirespeed.lb.service.IpAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalPortRangeTest {
    @Test
    void workersSplitTheRangeWithoutOverlapOrGap() {
        LocalPortRange range = new LocalPortRange(40000, 40010);
        Set<Integer> all = new HashSet<>();
        for (int w = 0; w < 3; w++) {
            LocalPorts ports = new LocalPorts(IpAddress.ofV4(1), w, 3, range);
            assertEquals(range.share(w, 3), ports.size());
            int p;
            while ((p = ports.take()) > 0) {
                assertEquals(w, p % 3, "port " + p + " names worker " + w);
                assertEquals(true, all.add(p), "port " + p + " twice");
            }
        }
        assertEquals(11, all.size(), "every port of 40000-40010 handed out once");
        assertEquals(64512, LocalPortRange.DEFAULT.share(0, 1));
    }

    @Test
    void aRangeSmallerThanTheWorkersLeavesSomeWithNone() {
        LocalPortRange one = new LocalPortRange(5000, 5000);
        assertEquals(1, one.share(5000 % 4, 4));
        assertEquals(0, one.share((5000 + 1) % 4, 4));
        assertEquals(-1, new LocalPorts(IpAddress.ofV4(1), 1, 4, one).take(), "no port: full NAT counts fullnat_no_local_port");
    }

    @Test
    void parseAndRefuse() {
        assertEquals(new LocalPortRange(1024, 2047), LocalPortRange.parse("1024-2047"));
        assertThrows(IllegalArgumentException.class, () -> LocalPortRange.parse("2047-1024"));
        assertThrows(IllegalArgumentException.class, () -> LocalPortRange.parse("0-10"));
        assertThrows(IllegalArgumentException.class, () -> LocalPortRange.parse("1024"));
        assertThrows(IllegalArgumentException.class, () -> LocalPortRange.parse("a-b"));
        assertThrows(IllegalArgumentException.class, () -> LocalPortRange.parse("1-70000"));
    }
}
