package io.wirespeed.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineReaderTest {
    /** Hands out at most {@code chunk} bytes per read, as a socket may. */
    private static ReadableByteChannel trickle(byte[] data, int chunk) {
        return new ReadableByteChannel() {
            int pos;

            @Override
            public int read(ByteBuffer dst) {
                if (pos == data.length) {
                    return -1;
                }
                int n = Math.min(Math.min(chunk, dst.remaining()), data.length - pos);
                dst.put(data, pos, n);
                pos += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {}
        };
    }

    private static LineReader reader(String text, int chunk, int max) {
        return new LineReader(trickle(text.getBytes(StandardCharsets.UTF_8), chunk), max);
    }

    @Test
    void splitsLinesWhateverTheChunking() throws IOException {
        for (int chunk : new int[] {1, 3, 4096}) {
            LineReader r = reader("a\r\n\nbé\nlast", chunk, 100);
            assertEquals("a", r.readLine());
            assertEquals("", r.readLine());
            assertEquals("bé", r.readLine());
            assertEquals("last", r.readLine(), "a final line without newline is still a line");
            assertNull(r.readLine());
        }
    }

    @Test
    void lineOfExactlyTheLimitIsAccepted() throws IOException {
        String line = "x".repeat(10_000);
        LineReader r = reader(line + "\r\n" + line + "\n", 777, 10_000);
        assertEquals(line, r.readLine());
        assertEquals(line, r.readLine());
        assertNull(r.readLine());
    }

    @Test
    void longerLinesAreRefused() {
        assertThrows(LineReader.LineTooLongException.class, () -> reader("x".repeat(10_001) + "\n", 512, 10_000).readLine());
        assertThrows(LineReader.LineTooLongException.class, () -> reader("x".repeat(50_000), 4096, 10_000).readLine());
        assertThrows(LineReader.LineTooLongException.class, () -> reader("x".repeat(10_001), 4096, 10_000).readLine());
    }

    @Test
    void invalidUtf8FailsOnlyThatLine() throws IOException {
        byte[] data = {'o', 'k', '\n', (byte) 0xc3, (byte) 0x28, '\n', 'n', 'e', 'x', 't', '\n'};
        LineReader r = new LineReader(trickle(data, 2), 100);
        assertEquals("ok", r.readLine());
        assertThrows(LineReader.MalformedLineException.class, r::readLine);
        assertEquals("next", r.readLine());
    }
}
