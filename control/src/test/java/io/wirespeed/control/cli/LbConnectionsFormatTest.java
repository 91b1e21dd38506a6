package io.wirespeed.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wirespeed.control.api.Json;
import org.junit.jupiter.api.Test;

/** {@code wsctl lb -Lnc}: connection lines in ipvsadm's columns, persistence templates as ipvsadm shows them. */
class LbConnectionsFormatTest {
    @Test
    void aConnectionAndItsTemplate() throws Exception {
        Object data = Json.parse("""
                [{"proto":"tcp","expire":899,"state":"ESTABLISHED","source":"198.18.0.2:40000",
                  "virtual":"198.18.0.100:80","destination":"198.19.0.11:80","forward":"Masq","worker":0},
                 {"proto":"tcp","expire":300,"state":"NONE","source":"198.18.0.0:0","virtual":"198.18.0.100:0",
                  "destination":"198.19.0.11:0","template":true,"forward":"Masq","worker":0}]""");
        assertEquals("""
                IPVS connection entries
                pro expire state       source             virtual            destination
                TCP 14:59  ESTABLISHED 198.18.0.2:40000   198.18.0.100:80    198.19.0.11:80
                TCP 05:00  NONE        198.18.0.0:0       198.18.0.100:0     198.19.0.11:0
                """, LbFormatter.connections(data));
    }
}
