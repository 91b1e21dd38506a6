package io.wirespeed.control.bgp;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A client of BIRD's control socket, speaking the line protocol {@code birdc} speaks (greeting
 * {@code 0001 BIRD 2.0.12 ready.}, then one command per line, see {@link BirdReply}), so the daemon
 * never forks {@code birdc}. One connection per call: BIRD changes are rare, and a fresh connection
 * finds a restarted BIRD without any reconnect logic. Every read and write is bounded by the timeout,
 * so a hung BIRD cannot hang the caller.
 */
public final class BirdControl {
    /** BIRD's replies to a command are short; a {@code show route} of a large table is not for this client. */
    static final int MAX_REPLY_BYTES = 1 << 20;

    private final Path socket;
    private final Duration timeout;

    public BirdControl(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    public Path socket() {
        return socket;
    }

    /** Sends one command (e.g. {@code configure}) and returns BIRD's reply, failed or not. */
    public BirdReply command(String command) throws BirdException {
        if (command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a BIRD command is one line: '" + BirdReply.shorten(command) + "'");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new BirdException("connect " + socket + ": " + reason(e), e);
            }
            channel.configureBlocking(false);
            Lines in = new Lines(channel, selector, deadline);
            BirdReply greeting = in.reply("greeting");
            if (greeting.code() != 1) {
                throw new BirdException(socket + ": unexpected greeting '" + greeting.closing() + "' (is this BIRD's control socket?)");
            }
            write(channel, selector, (command + "\n").getBytes(StandardCharsets.UTF_8), deadline, command);
            return in.reply(command);
        } catch (IOException e) {
            throw new BirdException(socket + ": " + command + ": " + reason(e), e);
        }
    }

    private void write(SocketChannel channel, Selector selector, byte[] bytes, long deadline, String command)
            throws IOException, BirdException {
        ByteBuffer out = ByteBuffer.wrap(bytes);
        SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                await(selector, deadline, command);
            }
        }
        key.interestOps(SelectionKey.OP_READ);
    }

    private void await(Selector selector, long deadline, String what) throws IOException, BirdException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || selector.select(left) == 0 && System.nanoTime() - deadline >= 0) {
            throw new BirdException(socket + ": " + what + ": no answer within " + timeout.toMillis() + " ms");
        }
        selector.selectedKeys().clear();
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** Reads BIRD's lines from the channel, never past the deadline. */
    private final class Lines {
        private final SocketChannel channel;
        private final Selector selector;
        private final long deadline;
        private final ByteBuffer buffer = ByteBuffer.allocate(8192);
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        private int total;

        Lines(SocketChannel channel, Selector selector, long deadline) throws IOException {
            this.channel = channel;
            this.selector = selector;
            this.deadline = deadline;
            channel.register(selector, SelectionKey.OP_READ);
            buffer.flip();
        }

        BirdReply reply(String what) throws IOException, BirdException {
            List<String> texts = new ArrayList<>();
            while (true) {
                String l = next(what);
                int code = BirdReply.codeOf(l);
                texts.add(code < 0 ? l.substring(1) : l.substring(5));
                if (code >= 0 && BirdReply.closes(l)) {
                    return new BirdReply(code, l.substring(5), texts);
                }
            }
        }

        private String next(String what) throws IOException, BirdException {
            while (true) {
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n') {
                        String text = line.toString(StandardCharsets.UTF_8);
                        line.reset();
                        return text;
                    }
                    line.write(b);
                }
                buffer.clear();
                int n = channel.read(buffer);
                buffer.flip();
                if (n < 0) {
                    throw new BirdException(socket + ": " + what + ": BIRD closed the connection mid-reply");
                }
                total += n;
                if (total > MAX_REPLY_BYTES) {
                    throw new BirdException(socket + ": " + what + ": reply longer than " + MAX_REPLY_BYTES + " bytes");
                }
                if (n == 0) {
                    await(selector, deadline, what);
                }
            }
        }
    }
}
