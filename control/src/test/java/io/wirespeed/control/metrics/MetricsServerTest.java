package io.wirespeed.control.metrics;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
    private static final String PAGE = "# HELP wirespeed_x X.\n# TYPE wirespeed_x gauge\nwirespeed_x 1\n";
    private final AtomicInteger scrapes = new AtomicInteger();
    MetricsServer server;

    @BeforeEach
    void start() throws IOException {
        server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> {
            scrapes.incrementAndGet();
            return PAGE;
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String exchange(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            s.shutdownOutput(); // the request is all there is: a short one ends here instead of at the timeout
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void getMetricsReturnsThePageWithThePrometheusContentType() throws IOException {
        String r = exchange("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
        assertTrue(r.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), r);
        assertTrue(r.contains("Content-Length: " + PAGE.length() + "\r\n"), r);
        assertTrue(r.endsWith("\r\n\r\n" + PAGE), r);
        assertTrue(exchange("GET /metrics?name[]=x HTTP/1.0\r\n\r\n").endsWith(PAGE), "a query string is ignored");
        String head = exchange("HEAD /metrics HTTP/1.1\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 200 OK") && head.endsWith("\r\n\r\n"), "HEAD: no body: " + head);
    }

    @Test
    void everythingElseGetsAnErrorStatusAndNoPage() throws IOException {
        assertTrue(exchange("GET / HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 404 "));
        assertTrue(exchange("GET /metrics/../etc HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 404 "));
        String post = exchange("POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
        assertTrue(post.startsWith("HTTP/1.1 405 ") && post.contains("Allow: GET, HEAD\r\n"), post);
        assertTrue(exchange("hello\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(exchange("GET metrics HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(exchange("GET /metrics HTTP/2.0\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(exchange("get /metrics HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(exchange("GET /metrics HTTP/1.1\r\n").startsWith("HTTP/1.1 400 "), "closed before the head ended");
        String big = "GET /metrics HTTP/1.1\r\nX-Padding: " + "a".repeat(MetricsServer.MAX_REQUEST_BYTES) + "\r\n\r\n";
        assertTrue(exchange(big).startsWith("HTTP/1.1 431 "));
        assertEquals(0, scrapes.get(), "no error built the page");
        assertTrue(exchange("GET /metrics HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 200 "), "and the server still serves");
    }

    @Test
    void refusesToListenOnANonLoopbackAddress() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MetricsServer.start(new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), 0), () -> PAGE));
        assertTrue(e.getMessage().contains("not a loopback address"), e.getMessage());
    }

    @Test
    void aPortInUseIsReportedWithTheAddress() {
        IOException e = assertThrows(IOException.class,
                () -> MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), () -> PAGE));
        assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + server.port()), e.getMessage());
    }
}
