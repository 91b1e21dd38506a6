package io.wirespeed.control.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every probe against real local servers: a listening socket, a tiny HTTP responder, a UDP echo, ICMP to loopback. */
class ProbeTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final Duration TIMEOUT = Duration.ofMillis(300);
    private final java.util.List<AutoCloseable> servers = new java.util.ArrayList<>();

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable c : servers) {
            c.close();
        }
    }

    /** A port on loopback that nothing listens on (bound, then closed). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    /** Answers every connection with {@code response}, as a one-line HTTP server would. */
    ServerSocket http(String response) throws IOException {
        ServerSocket s = new ServerSocket(0, 50, LOOPBACK);
        servers.add(s);
        Thread.ofVirtual().start(() -> {
            while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                    InputStream in = c.getInputStream();
                    byte[] buf = new byte[4096];
                    int n = 0;
                    while (!new String(buf, 0, n, StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                        int r = in.read(buf, n, buf.length - n);
                        if (r < 0) break;
                        n += r;
                    }
                    lastRequest = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                    OutputStream out = c.getOutputStream();
                    out.write(response.getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    // closed by the test
                }
            }
        });
        return s;
    }

    volatile String lastRequest = "";

    @Test
    void tcpPassesOnAListenerAndIsRefusedOnAClosedPort() throws IOException {
        ServerSocket s = new ServerSocket(0, 50, LOOPBACK);
        servers.add(s);
        assertEquals(Outcome.OK, new TcpProbe().run(LOOPBACK, s.getLocalPort(), TIMEOUT));
        Outcome o = new TcpProbe().run(LOOPBACK, closedPort(), TIMEOUT);
        assertEquals(Outcome.failed("connect refused"), o);
    }

    @Test
    void tcpToAListenerWhoseQueueIsFullTimesOut() throws IOException {
        // Linux drops SYNs while a listener's accept queue is full: from outside, a server that never answers
        ServerSocket full = new ServerSocket(0, 1, LOOPBACK);
        servers.add(full);
        for (int i = 0; i < 4; i++) {
            Socket s = new Socket();
            servers.add(s);
            try {
                s.connect(full.getLocalSocketAddress(), 100);
            } catch (IOException e) {
                break; // the queue is full already
            }
        }
        long start = System.nanoTime();
        assertEquals(Outcome.timedOut("connect timeout"), new TcpProbe().run(LOOPBACK, full.getLocalPort(), Duration.ofMillis(200)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 190 && ms < 1000, "took " + ms + " ms");
    }

    @Test
    void httpJudgesStatusAndBodyAndSendsTheHost() throws IOException {
        int ok = http("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nstatus=up").getLocalPort();
        assertEquals(Outcome.OK, new HttpProbe("/health", 200, null, null).run(LOOPBACK, ok, TIMEOUT));
        assertTrue(lastRequest.startsWith("GET /health HTTP/1.0\r\n"), lastRequest);
        assertTrue(lastRequest.contains("\r\nHost: 127.0.0.1:" + ok + "\r\n"), lastRequest);
        assertEquals(Outcome.OK, new HttpProbe("/", 200, "=up", "www.example.com").run(LOOPBACK, ok, TIMEOUT));
        assertTrue(lastRequest.contains("\r\nHost: www.example.com\r\n"), lastRequest);
        assertEquals(Outcome.failed("http body lacks \"down\""), new HttpProbe("/", 200, "down", null).run(LOOPBACK, ok, TIMEOUT));
        assertEquals(Outcome.failed("http status 200, expected 204"), new HttpProbe("/", 204, null, null).run(LOOPBACK, ok, TIMEOUT));

        int broken = http("HTTP/1.1 500 Internal Server Error\r\n\r\n").getLocalPort();
        assertEquals(Outcome.failed("http status 500, expected 200"), new HttpProbe("/", 200, null, null).run(LOOPBACK, broken, TIMEOUT));
        int garbage = http("SSH-2.0-OpenSSH\r\n").getLocalPort();
        assertEquals(Outcome.failed("http: not an HTTP response"), new HttpProbe("/", 200, null, null).run(LOOPBACK, garbage, TIMEOUT));
        assertEquals(Outcome.failed("connect refused"), new HttpProbe("/", 200, null, null).run(LOOPBACK, closedPort(), TIMEOUT));
    }

    @Test
    void httpServerThatAcceptsButNeverAnswersTimesOut() throws IOException {
        ServerSocket silent = new ServerSocket(0, 50, LOOPBACK); // the kernel completes the handshake; nobody reads
        servers.add(silent);
        long start = System.nanoTime();
        Outcome o = new HttpProbe("/", 200, null, null).run(LOOPBACK, silent.getLocalPort(), Duration.ofMillis(200));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Outcome.timedOut("timeout waiting for the HTTP response"), o);
        assertTrue(ms >= 190 && ms < 1000, "took " + ms + " ms");
    }

    @Test
    void udpWantsAReplyWithTheExpectedText() throws IOException {
        DatagramSocket echo = new DatagramSocket(0, LOOPBACK);
        servers.add(echo);
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[1500];
            while (!echo.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    echo.receive(p);
                    byte[] reply = ("pong " + new String(buf, 0, p.getLength(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                    echo.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (IOException e) {
                    // closed by the test
                }
            }
        });
        int port = echo.getLocalPort();
        assertEquals(Outcome.OK, new UdpProbe("ping", null).run(LOOPBACK, port, TIMEOUT));
        assertEquals(Outcome.OK, new UdpProbe("ping", "pong ping").run(LOOPBACK, port, TIMEOUT));
        assertEquals(Outcome.failed("udp reply lacks \"hello\""), new UdpProbe("ping", "hello").run(LOOPBACK, port, TIMEOUT));
    }

    @Test
    void udpWithoutAnswerFails() throws IOException {
        DatagramSocket silent = new DatagramSocket(0, LOOPBACK); // receives, never answers
        servers.add(silent);
        assertEquals(Outcome.timedOut("no udp reply"), new UdpProbe("ping", null).run(LOOPBACK, silent.getLocalPort(), TIMEOUT));
        DatagramSocket gone = new DatagramSocket(0, LOOPBACK);
        int port = gone.getLocalPort();
        gone.close();
        assertEquals(Outcome.failed("udp port unreachable"), new UdpProbe("ping", null).run(LOOPBACK, port, TIMEOUT),
                "loopback answers a closed port with ICMP port unreachable");
    }

    @Test
    void icmpEchoToLoopbackIsAnswered() {
        // the silent case needs an address nobody answers, which only the lab guarantees: LbHealthIT
        assertEquals(Outcome.OK, new IcmpProbe().run(LOOPBACK, 0, TIMEOUT));
        assertEquals(Outcome.failed("icmp check supports IPv4 servers only"),
                new IcmpProbe().run(InetAddress.ofLiteral("::1"), 0, TIMEOUT));
    }
}
