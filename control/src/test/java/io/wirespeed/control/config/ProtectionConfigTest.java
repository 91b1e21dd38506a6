package io.wirespeed.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.protect.AclEntry;
import io.wirespeed.lb.protect.AclRule;
import io.wirespeed.lb.protect.IpSet;
import io.wirespeed.lb.protect.IpSetEntry;
import io.wirespeed.lb.protect.IpSetType;
import io.wirespeed.lb.protect.ProtectSnapshot;
import io.wirespeed.lb.protect.ProtectTable;
import io.wirespeed.lb.protect.Protection;
import io.wirespeed.lb.protect.RateLimit;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code ipsets:}, {@code protection:} and a service's {@code blacklist:}, {@code whitelist:} and {@code limits:}. */
class ProtectionConfigTest {
    /** Lines 1..13. */
    private static final String SETS = """
            ipsets:
              - name: friends
                type: hash:ip
                entries: [198.18.0.2, 198.18.0.5]
              - name: scanners
                type: hash:net
                family: inet6
                maxelem: 16
                entries: ["2001:db8:bad::/48"]
              - name: dns
                type: hash:ip,port
                entries:
                  - 198.18.0.7,udp:53
            """;
    /** Lines 14..19 after {@link #SETS}; a service's extra fields go from line 20 on. */
    private static final String PORTS = """
            ports:
              - {name: port0, driver: memory}
            services:
              - proto: tcp
                vip: 198.18.0.100
                port: 80
            """;
    private static final String FULL = SETS + """
            protection:
              blacklist: [ipset:scanners, 203.0.113.0/24]
              limits: {src_cps: 200, src_prefix: [24, 64]}
            """ + PORTS + """
                blacklist: [198.18.0.3]
                whitelist: [ipset:friends, 198.18.0.0/24]
                limits: {vip_pps: 100000, src_cps: 10, src_prefix: 24}
              - proto: udp
                vip: "2001:db8::100"
                port: 53
                blacklist: ["ipset:scanners", "2001:db8::66"]
              - proto: udp
                vip: 198.18.0.100
                port: 53
            """;
    private static final ServiceKey WEB = new ServiceKey(Protocol.TCP, IpAddress.parse("198.18.0.100"), 80);
    private static final ServiceKey DNS6 = new ServiceKey(Protocol.UDP, IpAddress.parse("2001:db8::100"), 53);

    private static AclEntry e(String text) {
        return AclEntry.parse(text);
    }

    @Test
    void setsListsAndLimitsReadAsTheCommandsWouldSetThem() throws ConfigException {
        WirespeedConfig c = ConfigLoader.parse(FULL, "t.yaml");
        ProtectionConfig p = c.protection();
        assertEquals(List.of("friends", "scanners", "dns"), p.ipsets().stream().map(IpSetConfig::name).toList());
        assertEquals(new IpSetConfig("friends", IpSetType.HASH_IP, false, IpSet.DEFAULT_MAX_ELEMENTS,
                List.of(IpSetEntry.parse(IpSetType.HASH_IP, false, "198.18.0.2"), IpSetEntry.parse(IpSetType.HASH_IP, false, "198.18.0.5"))),
                p.ipsets().get(0));
        assertEquals(new IpSetConfig("scanners", IpSetType.HASH_NET, true, 16,
                List.of(IpSetEntry.parse(IpSetType.HASH_NET, true, "2001:db8:bad::/48"))), p.ipsets().get(1));
        assertEquals(List.of(IpSetEntry.parse(IpSetType.HASH_IP_PORT, false, "198.18.0.7,udp:53")), p.ipsets().get(2).entries());
        assertEquals(new RulesConfig(List.of(e("ipset:scanners"), e("203.0.113.0/24")), List.of(),
                Optional.of(new RateLimit(0, 0, 0, 0, 0, 200, 24, 64))), p.global());

        List<ServiceConfig> s = c.services();
        assertEquals(new RulesConfig(List.of(e("198.18.0.3")), List.of(e("ipset:friends"), e("198.18.0.0/24")),
                Optional.of(new RateLimit(100000, 0, 0, 0, 0, 10, 24, 128))), s.get(0).rules(), "src_prefix: 24 is IPv4 only, as --src-prefix 24");
        assertEquals(new RulesConfig(List.of(e("ipset:scanners"), e("2001:db8::66")), List.of(), Optional.empty()), s.get(1).rules());
        assertEquals(RulesConfig.NONE, s.get(2).rules());
    }

    @Test
    void aFileWithoutTheSectionsHasNoSetsAndNoRules() throws ConfigException {
        WirespeedConfig c = ConfigLoader.parse(PORTS, "t.yaml");
        assertEquals(ProtectionConfig.NONE, c.protection());
        assertEquals(RulesConfig.NONE, c.services().getFirst().rules());
        assertEquals(ProtectionConfig.NONE, ConfigLoader.parse("ipsets:\nprotection:\n", "t.yaml").protection(),
                "empty sections are absent ones");
    }

    /** Applied as wsctl would apply the equivalent commands: the table holds the sets, then every scope's rules. */
    @Test
    void theTableHoldsWhatTheFileDeclares() throws Exception {
        WirespeedConfig c = ConfigLoader.parse(FULL, "t.yaml");
        ProtectTable table = new ProtectTable(2);
        c.protection().applyTo(table, c.services());
        ProtectSnapshot s = table.current();
        assertEquals(List.of("dns", "friends", "scanners"), List.copyOf(s.sets().keySet()));
        assertEquals("[198.18.0.2, 198.18.0.5]", s.sets().get("friends").entries().toString());
        assertTrue(s.sets().get("scanners").v6());
        assertEquals(16, s.sets().get("scanners").maxElements());
        assertEquals(List.of("ipset:scanners", "203.0.113.0/24"), entries(s.global().blacklist().rules()));
        assertEquals(200, s.global().limit().limit().srcCps());
        assertEquals(List.of(WEB, DNS6), List.copyOf(s.services().keySet()), "a service without rules has no scope");
        Protection web = s.service(WEB);
        assertEquals(List.of("198.18.0.3"), entries(web.blacklist().rules()));
        assertEquals(List.of("ipset:friends", "198.18.0.0/24"), entries(web.whitelist().rules()));
        assertEquals(new RateLimit(100000, 0, 0, 0, 0, 10, 24, 128), web.limit().limit());
        assertNull(s.service(DNS6).limit());
    }

    private static List<String> entries(List<AclRule> rules) {
        return rules.stream().map(r -> r.entry().toString()).toList();
    }

    @Test
    void ipsetMistakesNameTheirLine() {
        assertError("ipsets: {name: x, type: hash:ip}\n", 1, "ipsets", "expected a list of ipsets");
        assertError("ipsets:\n  - {type: hash:ip}\n", 2, "ipsets[0].name", "missing required field");
        assertError("ipsets:\n  - {name: x}\n", 2, "ipsets[0].type", "missing required field");
        assertError("ipsets:\n  - {name: x, type: hash:mac}\n", 2, "ipsets[0].type", "typename 'hash:mac' is unknown");
        assertError("ipsets:\n  - {name: x, type: hash:ip, family: inet4}\n", 2, "ipsets[0].family",
                "unknown family 'inet4' (expected inet or inet6)");
        assertError("ipsets:\n  - {name: x, type: hash:ip, maxelem: 0}\n", 2, "ipsets[0].maxelem", "0 is out of range (expected 1..1048576)");
        assertError("ipsets:\n  - {name: \"bad name\", type: hash:ip}\n", 2, "ipsets[0].name", "setname 'bad name' must be 1..31");
        assertError("ipsets:\n  - {name: x, type: hash:ip, entires: []}\n", 2, "ipsets[0].entires", "did you mean 'entries'?");
        assertError("""
                ipsets:
                  - {name: x, type: hash:ip}
                  - {name: y, type: hash:net}
                  - {name: x, type: hash:net}
                """, 4, "ipsets[2].name", "duplicate ipset 'x' (first given at line 2)");
        assertError("ipsets:\n  - {name: x, type: hash:ip, entries: [\"2001:db8::1\"]}\n", 2, "ipsets[0].entries[0]",
                "is not an IPv4 address: the set is of family inet");
        assertError("ipsets:\n  - {name: x, type: hash:ip, family: inet6, entries: [198.18.0.1]}\n", 2, "ipsets[0].entries[0]",
                "is not an IPv6 address");
        assertError("ipsets:\n  - {name: x, type: hash:ip, entries: [10.0.0.0/8]}\n", 2, "ipsets[0].entries[0]",
                "hash:ip takes single addresses, not 10.0.0.0/8");
        assertError("""
                ipsets:
                  - name: x
                    type: hash:net
                    entries:
                      - 10.0.0.0/8
                      - 10.1.0.0/8
                """, 6, "ipsets[0].entries[1]", "duplicate element 10.0.0.0/8 (first given at line 5)");
        assertError("ipsets:\n  - {name: x, type: hash:ip, maxelem: 2, entries: [10.0.0.1, 10.0.0.2, 10.0.0.3]}\n", 2,
                "ipsets[0].entries", "3 elements is more than the set's maxelem 2");
        assertError("ipsets:\n  - {name: x, type: \"hash:ip,port\", entries: [10.0.0.1,tcp:80]}\n", 2, "ipsets[0].entries[0]",
                "write each element in quotes: \"198.18.0.2,tcp:80\"");
    }

    @Test
    void globalRuleMistakesNameTheirLine() {
        assertError("protection:\n  limits: {vip_pps: 5}\n", 2, "protection.limits.vip_pps", "a per-VIP limit needs a service");
        assertError("protection:\n  limits: {src_pps: 0}\n", 2, "protection.limits",
                "no rate set (expected at least one of src_pps, src_bps, src_cps above 0");
        assertError("protection:\n  limits: {src_cps: 5, src_prefix: \"24,64\"}\n", 2, "protection.limits.src_prefix",
                "(--src-prefix 24,64 is src_prefix: [24, 64] here)");
        assertError("protection:\n  limits: {src_cps: 5, src_prefix: 33}\n", 2, "protection.limits.src_prefix",
                "33 is out of range (expected 1..32)");
        assertError("protection:\n  limits: {src_cps: 5, src_prefix: [24, 129]}\n", 2, "protection.limits.src_prefix[1]",
                "129 is out of range (expected 1..128)");
        assertError("protection:\n  limits: {src_cps: 5, src_prefix: [24, 64, 8]}\n", 2, "protection.limits.src_prefix",
                "expected [LEN4] or [LEN4, LEN6], got 3 lengths");
        assertError("protection:\n  limits: {src_cps: 1099511627777}\n", 2, "protection.limits.src_cps",
                "out of range (expected 0..1099511627776)");
        assertError("protection:\n  limits: {src_cpx: 5}\n", 2, "protection.limits.src_cpx", "did you mean 'src_cps'?");
        assertError("protection:\n  blacklist: 10.0.0.1\n", 2, "protection.blacklist",
                "expected a list of entries, each an IP, IP/LEN or ipset:NAME");
        assertError("protection:\n  blacklist: [10.0.0.300]\n", 2, "protection.blacklist[0]", "invalid ACL entry '10.0.0.300'");
        assertError("protection:\n  whitelist: [ipset:nothere]\n", 2, "protection.whitelist[0]",
                "ipset 'nothere' is not declared in ipsets: (no ipsets are declared)");
        assertError(SETS + "protection:\n  whitelist: [ipset:friend]\n", 15, "protection.whitelist[0]",
                "ipset 'friend' is not declared in ipsets: (declared: friends, scanners, dns)");
        assertError("""
                protection:
                  blacklist:
                    - 198.18.0.0/24
                    - 198.18.0.9/24
                """, 4, "protection.blacklist[1]", "duplicate entry 198.18.0.0/24 (first given at line 3)");
        assertError("protection:\n  acl: []\n", 2, "protection.acl", "unknown field 'acl'");
    }

    @Test
    void aServicesRulesMustBeAbleToMatchItsClients() {
        assertError(SETS + PORTS + "    blacklist: [\"2001:db8::1\"]\n", 20, "services[0].blacklist[0]",
                "2001:db8::1 is an IPv6 address but the clients of TCP 198.18.0.100:80 are IPv4: it would never match");
        assertError(SETS + PORTS + "    whitelist: [ipset:scanners]\n", 20, "services[0].whitelist[0]",
                "ipset scanners is of family inet6 but the clients of TCP 198.18.0.100:80 are IPv4");
        assertError(SETS + PORTS + "    limits: {vip_cps: 10, src_prefix: 24}\n", 20, "services[0].limits.src_prefix",
                "src_prefix groups the sources of a per-source rate");
        assertError(SETS + PORTS + "    limits: {}\n", 20, "services[0].limits",
                "no rate set (expected at least one of vip_pps, vip_bps, vip_cps, src_pps, src_bps, src_cps above 0");
        assertError(SETS + PORTS + "    blacklist: [ipset:nothere]\n", 20, "services[0].blacklist[0]", "is not declared");
        assertError("""
                ports:
                  - {name: port0, driver: memory}
                services:
                  - proto: tcp
                    match: {src_range: 198.19.0.0-198.19.0.255}
                    real_servers: [{addr: 198.18.0.1, method: snat}]
                    limits: {src_cps: 5}
                """, 7, "services[0].limits", "a SNAT (match) service has no limits");
    }

    @Test
    void theGlobalScopeTakesEitherFamily() throws ConfigException {
        RulesConfig r = ConfigLoader.parse("protection:\n  blacklist: [10.0.0.0/8, \"2001:db8::/32\"]\n", "t.yaml")
                .protection().global();
        assertEquals(List.of(e("10.0.0.0/8"), e("2001:db8::/32")), r.blacklist());
    }

    private static void assertError(String yaml, int line, String field, String problemFragment) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml"));
        assertEquals(line, e.line(), () -> "line of: " + e.getMessage());
        assertEquals(field, e.field(), () -> "field of: " + e.getMessage());
        assertTrue(e.problem().contains(problemFragment), () -> "'" + problemFragment + "' not in: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("t.yaml:" + line + ":" + e.column() + ": " + field + ": "),
                () -> "message form: " + e.getMessage());
    }
}
