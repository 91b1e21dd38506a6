package io.wirespeed.lb.protect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import org.junit.jupiter.api.Test;

class ProtectTableTest {
    final ProtectTable table = new ProtectTable(2);
    final ServiceKey web = new ServiceKey(Protocol.TCP, IpAddress.parse("198.18.0.100"), 80);

    private void refused(String part, org.junit.jupiter.api.function.Executable call) {
        ProtectException e = assertThrows(ProtectException.class, call);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should say '" + part + "'");
    }

    @Test
    void everyChangePublishesANewVersion() throws Exception {
        long v = table.current().version();
        table.createSet("s", IpSetType.HASH_IP, false, 10);
        table.addToSet("s", "10.0.0.1");
        table.addListEntry(web, false, AclEntry.parse("ipset:s"));
        assertEquals(v + 3, table.current().version());
        assertTrue(table.current().sets().get("s").matches(false, 0, 0x0A00_0001L, 0, 0));
    }

    @Test
    void refusalsChangeNothingAndSayWhy() throws Exception {
        table.createSet("s", IpSetType.HASH_NET, true, 10);
        long v = table.current().version();
        refused(ProtectException.SET_EXISTS, () -> table.createSet("s", IpSetType.HASH_IP, false, 10));
        refused(ProtectException.NO_SUCH_SET, () -> table.addToSet("nope", "10.0.0.1"));
        refused("not an IPv6 address", () -> table.addToSet("s", "10.0.0.0/8"));
        refused(ProtectException.NO_SUCH_SET, () -> table.addListEntry(null, false, AclEntry.parse("ipset:nope")));
        refused("is not on the blacklist", () -> table.deleteListEntry(web, false, AclEntry.parse("10.0.0.1")));
        refused("need a service", () -> table.setLimit(null, new RateLimit(5, 0, 0, 0, 0, 0, 32, 128)));
        refused("no rate limit", () -> table.deleteLimit(web));
        table.addListEntry(web, true, AclEntry.parse("2001:db8::/32"));
        refused("already on the whitelist", () -> table.addListEntry(web, true, AclEntry.parse("2001:db8::/32")));
        assertEquals(v + 1, table.current().version(), "only the one accepted change was published");
    }

    @Test
    void aSetInUseCannotBeDestroyed() throws Exception {
        table.createSet("s", IpSetType.HASH_IP, false, 10);
        table.addListEntry(web, false, AclEntry.parse("ipset:s"));
        refused(ProtectException.SET_IN_USE, () -> table.destroySet("s"));
        table.deleteListEntry(web, false, AclEntry.parse("ipset:s"));
        table.destroySet("s");
        assertTrue(table.current().sets().isEmpty());
        assertNull(table.current().service(web), "a service without rules is forgotten");
    }

    @Test
    void countersOutliveUnrelatedChanges() throws Exception {
        table.addListEntry(web, false, AclEntry.parse("10.0.0.1"));
        RuleCounters c = table.current().service(web).blacklist().rules().get(0).counters();
        c.increment(1, AclRule.HITS);
        table.addListEntry(web, false, AclEntry.parse("10.0.0.2"));
        table.setLimit(web, new RateLimit(0, 0, 0, 0, 0, 7, 32, 128));
        assertSame(c, table.current().service(web).blacklist().rules().get(0).counters());
        assertEquals(1, table.current().service(web).blacklist().rules().get(0).hits());
    }

    @Test
    void aChangedLimitGetsANewIdAndALimitOfZeroRemovesIt() throws Exception {
        table.setLimit(web, new RateLimit(0, 0, 0, 0, 0, 7, 32, 128));
        long first = table.current().service(web).limit().id();
        table.setLimit(web, new RateLimit(0, 0, 0, 0, 0, 8, 32, 128));
        assertTrue(table.current().service(web).limit().id() > first);
        table.setLimit(web, RateLimit.NONE);
        assertTrue(table.current().isEmpty());
    }
}
