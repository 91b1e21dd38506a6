package io.wirespeed.control.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The Prometheus endpoint: a minimal HTTP/1.1 server on a loopback address that answers
 * {@code GET /metrics} (and {@code HEAD}) with the current page and closes the connection. Anything
 * else gets 400, 404, 405 or 431. Each request is read with a deadline and a size bound, at most
 * {@link #MAX_CLIENTS} are served at once (others are closed at once), and each runs on a virtual
 * thread: a slow or hostile client costs a socket for a few seconds, never a worker's time.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MetricsServer.class.getName());
    /** A scrape request is one line and a few headers; 8 KiB is what many servers allow for the whole head. */
    static final int MAX_REQUEST_BYTES = 8192;
    static final int READ_TIMEOUT_MS = 5000;
    static final int MAX_CLIENTS = 8;

    private final ServerSocket socket;
    private final Supplier<String> page;
    private final Semaphore clients = new Semaphore(MAX_CLIENTS);
    private final Thread acceptor;
    private volatile boolean closed;

    private MetricsServer(ServerSocket socket, Supplier<String> page) {
        this.socket = socket;
        this.page = page;
        this.acceptor = Thread.ofPlatform().name("ws-metrics").daemon().unstarted(this::acceptLoop);
    }

    /**
     * Binds {@code address} (a loopback address: metrics say too much about the network to be served
     * on others) and starts serving {@code page}. Throws with the address and the reason when it cannot.
     */
    public static MetricsServer start(InetSocketAddress address, Supplier<String> page) throws IOException {
        if (!address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("metrics: " + address.getAddress().getHostAddress()
                    + " is not a loopback address; the endpoint is served on 127.0.0.1 or ::1 only");
        }
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(address, 16);
        } catch (IOException e) {
            s.close();
            throw new IOException("metrics: cannot listen on " + address.getAddress().getHostAddress() + ":" + address.getPort()
                    + ": " + e.getMessage(), e);
        }
        MetricsServer server = new MetricsServer(s, page);
        server.acceptor.start();
        LOG.info("event=metrics_listen address=" + address.getAddress().getHostAddress() + " port=" + s.getLocalPort());
        return server;
    }

    /** The endpoint the config asks for, or null when it asks for none. */
    public static MetricsServer start(io.wirespeed.control.config.MetricsConfig config, MetricsCollector collector) throws IOException {
        if (config.listen().isEmpty()) {
            return null;
        }
        return start(config.listen().get(), collector::scrape);
    }

    /** The port bound (useful with port 0 in tests). */
    public int port() {
        return socket.getLocalPort();
    }

    public InetAddress address() {
        return socket.getInetAddress();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket c;
            try {
                c = socket.accept();
            } catch (IOException e) {
                if (!closed) LOG.warning("event=metrics_accept_failed error=\"" + e.getMessage() + "\"");
                continue;
            }
            if (!clients.tryAcquire()) {
                closeQuietly(c); // too many at once: a scraper retries, a flood gets nothing
                continue;
            }
            Thread.ofVirtual().name("ws-metrics-client").start(() -> {
                try {
                    serve(c);
                } finally {
                    clients.release();
                    closeQuietly(c);
                }
            });
        }
    }

    private void serve(Socket c) {
        try {
            c.setSoTimeout(READ_TIMEOUT_MS);
            HttpRequestHead head = HttpRequestHead.read(c.getInputStream(), MAX_REQUEST_BYTES);
            respond(c.getOutputStream(), head);
        } catch (HttpRequestHead.BadRequest e) {
            write(c, e.status(), e.reason(), e.getMessage() + "\n", false);
        } catch (SocketTimeoutException e) {
            write(c, 408, "Request Timeout", "request not complete within " + READ_TIMEOUT_MS + " ms\n", false);
        } catch (IOException | RuntimeException e) {
            LOG.fine("event=metrics_client_failed error=\"" + e.getMessage() + "\"");
        }
    }

    private void respond(OutputStream out, HttpRequestHead head) throws IOException {
        if (!head.path().equals("/metrics")) {
            send(out, 404, "Not Found", "only /metrics is served here\n", false, PLAIN);
            return;
        }
        if (!head.method().equals("GET") && !head.method().equals("HEAD")) {
            send(out, 405, "Method Not Allowed", "use GET\n", false, PLAIN);
            return;
        }
        send(out, 200, "OK", page.get(), head.method().equals("HEAD"), PrometheusText.CONTENT_TYPE);
    }

    private static final String PLAIN = "text/plain; charset=utf-8";

    private static void write(Socket c, int status, String reason, String body, boolean headOnly) {
        try {
            send(c.getOutputStream(), status, reason, body, headOnly, PLAIN);
        } catch (IOException ignored) {
            // the client went away: nothing to tell it
        }
    }

    private static void send(OutputStream out, int status, String reason, String body, boolean headOnly, String type)
            throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: " + type + "\r\n"
                + "Content-Length: " + b.length + "\r\n"
                + (status == 405 ? "Allow: GET, HEAD\r\n" : "")
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        if (!headOnly) out.write(b);
        out.flush();
    }

    private static void closeQuietly(Socket c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing a socket that failed: nothing left to do
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            LOG.warning("event=metrics_close_failed error=\"" + e.getMessage() + "\"");
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
