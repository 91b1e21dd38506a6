package io.wirespeed.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wirespeed.control.api.Json;
import io.wirespeed.control.api.JsonException;
import org.junit.jupiter.api.Test;

class FormattersTest {
    private static Object json(String text) {
        try {
            return Json.parse(text);
        } catch (JsonException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void links() {
        Object data = json("""
                [{"index":1,"name":"port0","driver":"afpacket","mac":"02:00:00:00:00:01","mtu":1500,"up":true,"rx_queues":1,"tx_queues":1},
                 {"index":2,"name":"port1","driver":"afxdp","mac":"02:00:00:00:00:02","mtu":9000,"up":false,"rx_queues":2,"tx_queues":4}]""");
        assertEquals("""
                1: port0: <UP> mtu 1500 driver afpacket queues 1
                    link/ether 02:00:00:00:00:01
                2: port1: <DOWN> mtu 9000 driver afxdp queues rx 2 tx 4
                    link/ether 02:00:00:00:00:02
                """, Formatters.links(data));
        assertEquals("", Formatters.links(json("[]")));
    }

    @Test
    void addresses() {
        Object data = json("""
                [{"index":1,"name":"port0","mac":"02:00:00:00:00:01","mtu":1500,"up":true,
                  "addrs":[{"family":4,"cidr":"198.18.0.1/24"},{"family":6,"cidr":"2001:db8::1/64"}]},
                 {"index":2,"name":"port1","mac":"02:00:00:00:00:02","mtu":1500,"up":true,"addrs":[]}]""");
        assertEquals("""
                1: port0: <UP> mtu 1500
                    link/ether 02:00:00:00:00:01
                    inet 198.18.0.1/24 scope global port0
                    inet6 2001:db8::1/64 scope global
                2: port1: <UP> mtu 1500
                    link/ether 02:00:00:00:00:02
                """, Formatters.addresses(data));
    }

    @Test
    void routes() {
        Object data = json("""
                [{"prefix":"198.18.0.0/24","dev":"port0","proto":"kernel","src":"198.18.0.1"},
                 {"prefix":"0.0.0.0/0","via":"198.18.0.2","dev":"port0","proto":"static"},
                 {"prefix":"198.20.0.0/16","via":"198.18.0.3","proto":"static"},
                 {"prefix":"198.18.0.5/32","dev":"port1","proto":"static"},
                 {"prefix":"::/0","via":"2001:db8::fe","dev":"port0","proto":"static"},
                 {"prefix":"2001:db8::9/128","dev":"port0","proto":"static"}]""");
        assertEquals("""
                198.18.0.0/24 dev port0 proto kernel scope link src 198.18.0.1
                default via 198.18.0.2 dev port0 proto static
                198.20.0.0/16 via 198.18.0.3 proto static
                198.18.0.5 dev port1 proto static scope link
                default via 2001:db8::fe dev port0 proto static
                2001:db8::9 dev port0 proto static scope link
                """, Formatters.routes(data));
    }

    @Test
    void neighbours() {
        Object data = json("""
                [{"addr":"198.18.0.2","dev":"port0","lladdr":"02:00:00:00:00:02","state":"REACHABLE"},
                 {"addr":"198.18.0.3","dev":"port0","state":"INCOMPLETE"},
                 {"addr":"198.18.0.4","dev":"port0","lladdr":"02:00:00:00:00:04","state":"FAILED"},
                 {"addr":"2001:db8::9","dev":"port1","lladdr":"02:00:00:00:00:09","state":"PERMANENT"}]""");
        assertEquals("""
                198.18.0.2 dev port0 lladdr 02:00:00:00:00:02 REACHABLE
                198.18.0.3 dev port0 INCOMPLETE
                198.18.0.4 dev port0 FAILED
                2001:db8::9 dev port1 lladdr 02:00:00:00:00:09 PERMANENT
                """, Formatters.neighbours(data));
    }

    private static final String STATS = """
            {"ports":[{"name":"port0","rx_packets":1234567,"rx_bytes":98765432,"tx_packets":12,"tx_bytes":840,"rx_drops":0,"rx_kernel_drops":17,"tx_drops":3,"rx_errors":0},
                      {"name":"port1","rx_packets":5,"rx_bytes":300,"tx_packets":1234560,"tx_bytes":98765000,"rx_drops":1,"rx_kernel_drops":0,"tx_drops":0,"rx_errors":2}],
             "workers":[{"id":0,"core":2,"rx_packets":617000,"tx_packets":617000,"drops":7},
                        {"id":1,"core":3,"rx_packets":617572,"tx_packets":617572,"drops":0}],
             "drops":[{"reason":"no_route","stage":"ipv4","total":5,"per_worker":[5,0]},
                      {"reason":"bad_checksum","stage":"ipv4","total":0,"per_worker":[0,0]},
                      {"reason":"ttl_exceeded","stage":"ipv4","total":2,"per_worker":[1,1]}]}""";

    @Test
    void stats() {
        assertEquals("""
                port   rx_packets  rx_bytes  tx_packets  tx_bytes  rx_drops  rx_kernel_drops  tx_drops  rx_errors
                port0     1234567  98765432          12       840         0               17         3          0
                port1           5       300     1234560  98765000         1                0         0          2

                worker  core  rx_packets  tx_packets  drops
                0          2      617000      617000      7
                1          3      617572      617572      0

                reason        stage  total  worker0  worker1
                no_route      ipv4       5        5        0
                ttl_exceeded  ipv4       2        1        1
                """, Formatters.stats(json(STATS)));
    }

    @Test
    void dropsOnlyNonZeroReasons() {
        assertEquals("""
                reason        stage  total  worker0  worker1
                no_route      ipv4       5        5        0
                ttl_exceeded  ipv4       2        1        1
                """, Formatters.drops(json(STATS)));
        assertEquals("no drops\n", Formatters.drops(json("{\"drops\":[{\"reason\":\"no_route\",\"stage\":\"ipv4\",\"total\":0,\"per_worker\":[0]}]}")));
        assertEquals("no drops\n", Formatters.drops(json("{\"drops\":[]}")));
    }

    @Test
    void workerStats() {
        Object data = json("""
                [{"id":0,"core":2,"queues":["port0:0","port1:0"],"busy_ns":123000000,"idle_ns":877000000,"iterations":100000,
                  "busy_iterations":2500,"rx_packets":80000,"avg_burst":32},
                 {"id":1,"core":3,"queues":[],"busy_ns":0,"idle_ns":0,"iterations":0,"busy_iterations":0,"rx_packets":0,"avg_burst":0.0}]""");
        assertEquals("""
                worker 0 core 2:
                  rx queues: port0:0 port1:0
                  packets received: 80000
                  iterations: 100000 (busy 2500)
                  avg packets per busy iteration: 32.00
                  busy cycles: 12.3% (123000000 ns)
                  idle cycles: 87.7% (877000000 ns)
                worker 1 core 3:
                  rx queues: none
                  packets received: 0
                  iterations: 0 (busy 0)
                  avg packets per busy iteration: 0.00
                  busy cycles: 0.0% (0 ns)
                  idle cycles: 0.0% (0 ns)
                """, Formatters.workerStats(data));
    }

    @Test
    void pool() {
        Object data = json("""
                {"buffers":16384,"buffer_size":2048,"headroom":256,"in_use":100,"free":16284,"page_size":2097152,
                 "backing":"hugepages","numa_node":0,"alloc_failures":3}""");
        assertEquals("""
                buffers: 16384 x 2048 bytes (headroom 256)
                in use: 100
                free: 16284
                alloc failures: 3
                backing: hugepages, page size 2 MiB
                numa node: 0
                """, Formatters.pool(data));
        String anonymous = Formatters.pool(json("""
                {"buffers":8192,"buffer_size":2048,"headroom":256,"in_use":0,"free":8192,"page_size":4096,
                 "backing":"anonymous","numa_node":-1,"alloc_failures":0}"""));
        assertEquals("backing: anonymous, page size 4 KiB\nnuma node: unknown\n", anonymous.substring(anonymous.indexOf("backing")));
    }

    @Test
    void forCommandPicksTheFormatter() {
        assertEquals("no drops\n", Formatters.forCommand("stats.drops", json("{\"drops\":[]}")));
        assertEquals("", Formatters.forCommand("route.add", null), "changes print nothing, like ip");
    }

    @Test
    void malformedRepliesNameTheField() {
        MalformedReplyException e = assertThrows(MalformedReplyException.class,
                () -> Formatters.links(json("[{\"index\":1,\"name\":\"p\",\"up\":true,\"mtu\":\"big\",\"mac\":\"x\"}]")));
        assertEquals("link.show[0].mtu: expected an integer", e.getMessage());
        e = assertThrows(MalformedReplyException.class, () -> Formatters.routes(json("[{\"dev\":\"p\",\"proto\":\"static\"}]")));
        assertEquals("route.show[0].prefix: missing", e.getMessage());
        e = assertThrows(MalformedReplyException.class, () -> Formatters.routes(json("{}")));
        assertEquals("route.show: expected a list", e.getMessage());
        e = assertThrows(MalformedReplyException.class, () -> Formatters.drops(json("{\"drops\":[{\"reason\":\"r\",\"stage\":\"s\",\"total\":1,\"per_worker\":[\"x\"]}]}")));
        assertEquals("stats.drops.drops[0].per_worker[0]: expected an integer", e.getMessage());
        e = assertThrows(MalformedReplyException.class, () -> Formatters.pool(null));
        assertEquals("pool: expected an object", e.getMessage());
    }

    @Test
    void displayPrefixAndUnits() {
        assertEquals("default", Formatters.displayPrefix("0.0.0.0/0"));
        assertEquals("default", Formatters.displayPrefix("::/0"));
        assertEquals("10.0.0.0/8", Formatters.displayPrefix("10.0.0.0/8"));
        assertEquals("2001:db8::/32", Formatters.displayPrefix("2001:db8::/32"));
        assertEquals("1 GiB", Formatters.bytes(1L << 30));
        assertEquals("3000 bytes", Formatters.bytes(3000));
        assertEquals("33.3%", Formatters.percent(1, 3));
    }

    @Test
    void dropsByInputPortWithTheDropsThatHadNone() {
        assertEquals("""
                reason         stage  total  port0  port1  no port
                not_for_us     eth        7      5      2        0
                slowpath_full  net        3      0      1        2
                """, Formatters.drops(json("""
                {"view":"port","ports":["port0","port1"],
                 "drops":[{"reason":"not_for_us","stage":"eth","total":7,"per_port":[5,2],"no_port":0},
                          {"reason":"slowpath_full","stage":"net","total":3,"per_port":[0,1],"no_port":2}]}""")));
        assertEquals("no drops\n", Formatters.drops(json("{\"view\":\"port\",\"ports\":[\"p\"],\"drops\":[]}")));
        MalformedReplyException e = assertThrows(MalformedReplyException.class, () -> Formatters.drops(json(
                "{\"view\":\"port\",\"ports\":[\"p\"],\"drops\":[{\"reason\":\"r\",\"stage\":\"s\",\"total\":1,\"per_port\":[\"x\"],\"no_port\":0}]}")));
        assertEquals("stats.drops.drops[0].per_port[0]: expected an integer", e.getMessage());
    }

    @Test
    void dropsByServiceInIpvsadmOrder() {
        assertEquals("""
                service              reason                    stage  drops
                TCP 198.18.0.100:80  no_destination_available  lb         4
                TCP 198.18.0.100:80  connection_table_full     lb        12
                """, Formatters.drops(json("""
                {"view":"service","drops":[
                  {"service":"TCP 198.18.0.100:80","reason":"no_destination_available","stage":"lb","total":4},
                  {"service":"TCP 198.18.0.100:80","reason":"connection_table_full","stage":"lb","total":12}]}""")));
        assertEquals("no service drops\n", Formatters.drops(json("{\"view\":\"service\",\"drops\":[]}")));
    }
}
