package io.wirespeed.control.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into newline-terminated UTF-8 lines of bounded length: the framing of the
 * control protocol. The buffer grows only as far as the longest line seen, so a long limit for
 * replies costs nothing until a long reply arrives.
 */
final class LineReader {
    /** A line longer than the limit; the stream cannot be resynchronised after it. */
    static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException(int limit) {
            super("line longer than " + limit + " bytes");
        }
    }

    /** A complete line whose bytes are not UTF-8; the stream is still in sync. */
    static final class MalformedLineException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedLineException() {
            super("line is not valid UTF-8");
        }
    }

    private final ReadableByteChannel channel;
    private final int maxLineBytes;
    private byte[] buf = new byte[4096];
    private int start, end;
    private boolean eof;

    LineReader(ReadableByteChannel channel, int maxLineBytes) {
        this.channel = channel;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * The next line without its terminator ({@code \n} or {@code \r\n}), or null at end of stream. A
     * last line without a terminator is still returned, as {@code printf '{...}' | nc -U} sends it.
     */
    String readLine() throws IOException {
        int scanFrom = start;
        while (true) {
            for (int i = scanFrom; i < end; i++) {
                if (buf[i] == '\n') {
                    int lineStart = start, lineEnd = i > start && buf[i - 1] == '\r' ? i - 1 : i;
                    start = i + 1; // consumed even if it fails to decode, so the next line is in sync
                    return decode(lineStart, lineEnd);
                }
            }
            // +1: the '\r' of a "\r\n" whose '\n' has not arrived yet.
            if (end - start > maxLineBytes + 1) {
                throw new LineTooLongException(maxLineBytes);
            }
            if (eof) {
                if (start == end) {
                    return null;
                }
                int lineStart = start;
                start = end;
                return decode(lineStart, end);
            }
            int scanned = end - start; // fill() may move the bytes to the front of the buffer
            fill();
            scanFrom = start + scanned;
        }
    }

    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buf.length) {
            // +2: room for a line of exactly the limit plus its "\r\n".
            buf = Arrays.copyOf(buf, Math.min(buf.length * 2, maxLineBytes + 2));
        }
        int n = channel.read(ByteBuffer.wrap(buf, end, buf.length - end));
        if (n < 0) {
            eof = true;
        } else {
            end += n;
        }
    }

    private String decode(int from, int to) throws IOException {
        if (to - from > maxLineBytes) {
            throw new LineTooLongException(maxLineBytes);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedLineException();
        }
    }
}
