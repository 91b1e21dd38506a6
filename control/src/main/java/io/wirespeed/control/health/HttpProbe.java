package io.wirespeed.control.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.0 GET on a fresh connection (no keep-alive: each check sees the server as a new client would).
 * Healthy when the status line carries the expected status and, if asked, the body contains the text.
 * Written over a plain socket rather than java.net.http: the Host header must be settable (the JDK
 * client refuses it) and the whole exchange must fit one deadline.
 */
final class HttpProbe implements Probe {
    /** Enough for a health page; a bigger body is searched in its first 64 KiB. */
    static final int MAX_RESPONSE = 64 * 1024;

    private final String path;
    private final int status;
    private final String body;
    private final String host;

    HttpProbe(String path, int status, String body, String host) {
        this.path = path;
        this.status = status;
        this.body = body;
        this.host = host;
    }

    @Override
    public Outcome run(InetAddress addr, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket s = new Socket()) {
            TcpProbe.connect(s, addr, port, timeout);
            OutputStream out = s.getOutputStream();
            out.write(request(addr, port).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String response = read(s, deadline);
            return judge(response);
        } catch (TcpProbe.ProbeFailure f) {
            return f.outcome;
        } catch (SocketTimeoutException e) {
            return Outcome.timedOut("timeout waiting for the HTTP response");
        } catch (IOException e) {
            return Outcome.failed("http: " + e.getMessage());
        }
    }

    private String request(InetAddress addr, int port) {
        String h = host != null ? host
                : (addr instanceof Inet6Address ? "[" + addr.getHostAddress() + "]" : addr.getHostAddress()) + ":" + port;
        return "GET " + path + " HTTP/1.0\r\nHost: " + h + "\r\nUser-Agent: wirespeed-health\r\nConnection: close\r\n\r\n";
    }

    /** Reads until the server closes or {@link #MAX_RESPONSE} bytes, whichever first, within the deadline. */
    private static String read(Socket s, long deadline) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[MAX_RESPONSE];
        int n = 0;
        while (n < buf.length) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException();
            }
            s.setSoTimeout((int) Math.max(1, left / 1_000_000));
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }

    Outcome judge(String response) {
        int eol = response.indexOf("\r\n");
        String statusLine = eol < 0 ? response : response.substring(0, eol);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
            return Outcome.failed(response.isEmpty() ? "http: empty response" : "http: not an HTTP response");
        }
        int got = Integer.parseInt(parts[1]);
        if (got != status) {
            return Outcome.failed("http status " + got + ", expected " + status);
        }
        if (body != null) {
            int start = response.indexOf("\r\n\r\n");
            String content = start < 0 ? "" : response.substring(start + 4);
            if (!content.contains(body)) {
                return Outcome.failed("http body lacks \"" + body + "\"");
            }
        }
        return Outcome.OK;
    }
}
