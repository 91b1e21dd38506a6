package io.wirespeed.lb.sched;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerFactoryTest {
    @Test
    void everyNameBuildsASchedulerOfThatName() {
        FlowInput in = new FlowInput().ipv4(6, 0x0A000001, 1234, 0xC6120064, 80);
        for (String name : SchedulerFactory.NAMES) {
            Scheduler s = SchedulerFactory.create(name, Dests.weights(1, 2, 3), new LoadCounters(3), null);
            assertEquals(name, s.name());
            int d = s.select(in);
            assertTrue(d >= 0 && d < 3, name + " picked " + d);
        }
    }

    @Test
    void anUnknownNameListsTheValidOnes() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> SchedulerFactory.create("wrrr", Dests.weights(1), new LoadCounters(1), null));
        assertEquals("unknown scheduler 'wrrr' (valid: rr, wrr, lc, wlc, sed, nq, sh, dh, conhash, mh, fo)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SchedulerFactory.plan(null, Dests.weights(1), null));
    }

    @Test
    void badDestinationListsAreRefused() {
        var wrongIndex = assertThrows(IllegalArgumentException.class,
                () -> SchedulerFactory.plan("rr", List.of(Destination.of(1, "a", 1)), null));
        assertTrue(wrongIndex.getMessage().contains("index 1 but is at position 0"), wrongIndex.getMessage());
        var duplicate = assertThrows(IllegalArgumentException.class,
                () -> SchedulerFactory.plan("mh", List.of(Destination.of(0, "a", 1), Destination.of(1, "a", 2)), null));
        assertTrue(duplicate.getMessage().contains("duplicate destination key a"), duplicate.getMessage());
        List<Destination> withNull = new ArrayList<>();
        withNull.add(null);
        assertThrows(IllegalArgumentException.class, () -> SchedulerFactory.plan("rr", withNull, null));
        assertThrows(IllegalArgumentException.class, () -> SchedulerFactory.plan("rr", null, null));
        assertThrows(IllegalArgumentException.class, () -> SchedulerFactory.create("rr", Dests.weights(1), null, null));
    }

    @Test
    void flagsAreParsedAsIpvsadmSpellsThem() {
        SchedulerOptions o = SchedulerOptions.parse("mh", "mh-fallback, mh-port,mh-table=251");
        assertTrue(o.fallback());
        assertTrue(o.hashSourcePort());
        assertEquals(251, o.maglevTableSize());
        assertEquals(SchedulerOptions.DEFAULT, SchedulerOptions.parse("wrr", ""));
        assertEquals(SchedulerOptions.DEFAULT, SchedulerOptions.parse("wrr", null));
        assertEquals(40, SchedulerOptions.parse("conhash", "conhash-replicas=40").ringReplicas());
    }

    @Test
    void badFlagsAreRefusedWithTheReason() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> SchedulerOptions.parse("sh", "sh-fallbak"));
        assertTrue(unknown.getMessage().startsWith("unknown scheduler flag 'sh-fallbak' (valid: sh-fallback, sh-port"),
                unknown.getMessage());
        var other = assertThrows(IllegalArgumentException.class, () -> SchedulerOptions.parse("sh", "mh-port"));
        assertEquals("scheduler flag mh-port applies to scheduler mh, not sh", other.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SchedulerOptions.parse("mh", "mh-port,mh-5tuple"));
        assertThrows(IllegalArgumentException.class, () -> SchedulerOptions.parse("mh", "mh-table"));
        assertThrows(IllegalArgumentException.class, () -> SchedulerOptions.parse("mh", "mh-fallback="));
        assertThrows(IllegalArgumentException.class, () -> SchedulerOptions.parse("conhash", "conhash-replicas=0"));
        assertThrows(IllegalArgumentException.class, () -> SchedulerOptions.parse("mh", "mh-fallback,,mh-port"));
    }

    @Test
    void aPlanIsSharedAndEachWorkerGetsItsOwnScheduler() {
        SchedulerPlan plan = SchedulerFactory.plan("mh", Dests.equal(0, 10), null);
        assertEquals("mh", plan.name());
        assertEquals(10, plan.destinations());
        Scheduler a = plan.forWorker(new LoadCounters(10));
        Scheduler b = plan.forWorker(new LoadCounters(10));
        assertNotSame(a, b);
        FlowInput in = new FlowInput().ipv4(6, 0x0A000001, 1234, 0xC6120064, 80);
        assertEquals(a.select(in), b.select(in), "same table on both workers");
    }
}
