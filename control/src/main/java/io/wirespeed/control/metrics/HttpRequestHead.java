package io.wirespeed.control.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The request line of an HTTP/1.x request, read up to the blank line that ends its head. Headers
 * are skipped (a scrape needs none) but counted against the size bound; a body is never read.
 */
record HttpRequestHead(String method, String path) {

    /** A request the server answers with an error status; the message is the response body. */
    static final class BadRequest extends IOException {
        private final int status;
        private final String reason;

        BadRequest(int status, String reason, String message) {
            super(message);
            this.status = status;
            this.reason = reason;
        }

        int status() { return status; }

        String reason() { return reason; }
    }

    /** Reads a head of at most {@code max} bytes; throws {@link BadRequest} for a malformed or oversize one. */
    static HttpRequestHead read(InputStream in, int max) throws IOException {
        byte[] buf = new byte[max];
        int n = 0;
        int end = -1;
        while (end < 0) {
            if (n == max) {
                throw new BadRequest(431, "Request Header Fields Too Large", "request head larger than " + max + " bytes");
            }
            int r = in.read(buf, n, max - n);
            if (r < 0) {
                throw new BadRequest(400, "Bad Request", "connection closed before the end of the request head");
            }
            n += r;
            end = endOfHead(buf, n);
        }
        String text = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
        int eol = text.indexOf('\n');
        String line = (eol < 0 ? text : text.substring(0, eol)).stripTrailing();
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || !parts[1].startsWith("/") || !parts[2].matches("HTTP/1\\.[01]")) {
            throw new BadRequest(400, "Bad Request", "malformed request line (expected e.g. GET /metrics HTTP/1.1)");
        }
        for (int i = 0; i < parts[0].length(); i++) {
            char c = parts[0].charAt(i);
            if (c < 'A' || c > 'Z') {
                throw new BadRequest(400, "Bad Request", "malformed method");
            }
        }
        String target = parts[1];
        int q = target.indexOf('?');
        return new HttpRequestHead(parts[0], q < 0 ? target : target.substring(0, q));
    }

    /** Index just past the blank line ending the head (CRLF CRLF, or bare LF LF as lenient servers accept), or -1. */
    private static int endOfHead(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] == '\n') {
                if (i + 1 < n && b[i + 1] == '\n') return i + 2;
                if (i + 2 < n && b[i + 1] == '\r' && b[i + 2] == '\n') return i + 3;
            }
        }
        return -1;
    }
}
