package io.wirespeed.control.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BirdControlTest {
    @TempDir
    Path dir;

    @Test
    void configureAndShowAgainstARealBird() throws Exception {
        try (BirdDaemon bird = new BirdDaemon(dir).start()) {
            Files.writeString(bird.include(), "protocol static vips4 { ipv4; route 198.18.0.100/32 blackhole; }\n");
            BirdControl control = new BirdControl(bird.socket(), Duration.ofSeconds(2));
            BirdReply reply = control.command("configure");
            assertTrue(reply.ok(), reply.closing());
            assertEquals(3, reply.code(), "0003 Reconfigured: " + reply.lines());
            assertEquals("0003 Reconfigured", reply.closing());
            assertEquals(java.util.List.of("198.18.0.100/32"), bird.routes("vips4"));
        }
    }

    @Test
    void birdsRefusalsAreRepliesNotExceptions() throws Exception {
        try (BirdDaemon bird = new BirdDaemon(dir).start()) {
            BirdControl control = new BirdControl(bird.socket(), Duration.ofSeconds(2));
            BirdReply syntax = control.command("no such command");
            assertFalse(syntax.ok());
            assertEquals(9, syntax.code() / 1000, syntax.closing());
            Files.writeString(bird.include(), "protocol static {");
            BirdReply broken = control.command("configure");
            assertFalse(broken.ok());
            assertTrue(broken.closing().startsWith("8002 "), broken.closing());
            assertTrue(broken.text().contains("syntax error"), broken.text());
        }
    }

    @Test
    void aMissingSocketNamesTheSocketAndTheReason() {
        Path missing = dir.resolve("bird.ctl");
        BirdException e = assertThrows(BirdException.class, () -> new BirdControl(missing, Duration.ofSeconds(1)).command("configure"));
        assertTrue(e.getMessage().startsWith("connect " + missing + ": "), e.getMessage());
    }

    @Test
    void aSocketThatNeverAnswersTimesOut() throws Exception {
        Path path = dir.resolve("silent.ctl");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            long t0 = System.nanoTime();
            BirdException e = assertThrows(BirdException.class, () -> new BirdControl(path, Duration.ofMillis(300)).command("configure"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(e.getMessage().contains("no answer within 300 ms"), e.getMessage());
            assertTrue(ms >= 250 && ms < 3000, "took " + ms + " ms");
        }
    }

    @Test
    void somethingElseOnTheSocketIsRefusedByItsGreeting() throws Exception {
        Path path = dir.resolve("other.ctl");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            Thread peer = Thread.ofVirtual().start(() -> {
                try (SocketChannel c = server.accept()) {
                    c.write(ByteBuffer.wrap("HTTP/1.0 400 Bad Request\n".getBytes(StandardCharsets.US_ASCII)));
                    Thread.sleep(500);
                } catch (Exception ignored) {
                    // the client hung up
                }
            });
            BirdException e = assertThrows(BirdException.class, () -> new BirdControl(path, Duration.ofSeconds(2)).command("configure"));
            assertTrue(e.getMessage().contains("malformed reply line 'HTTP/1.0 400 Bad Request'"), e.getMessage());
            peer.join();
        }
    }

    @Test
    void replyLinesAreParsedAsBirdcParsesThem() throws Exception {
        assertEquals(1007, BirdReply.codeOf("1007-Table master4:"));
        assertEquals(-1, BirdReply.codeOf(" 198.18.0.100/32 blackhole"));
        assertEquals(3, BirdReply.codeOf("0003 Reconfigured"));
        assertTrue(BirdReply.closes("0003 Reconfigured"));
        assertFalse(BirdReply.closes("0002-Reading configuration"));
        assertFalse(BirdReply.closes(" 0003 continuation"));
        assertThrows(BirdException.class, () -> BirdReply.codeOf("00x3 nope"));
        assertThrows(BirdException.class, () -> BirdReply.codeOf("03"));
        assertThrows(IllegalArgumentException.class, () -> new BirdControl(dir.resolve("x"), Duration.ofSeconds(1)).command("configure\nshutdown"));
    }
}
