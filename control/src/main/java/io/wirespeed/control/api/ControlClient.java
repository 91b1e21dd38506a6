package io.wirespeed.control.api;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client end of the control socket, for wsctl and tests. One connection, any number of calls.
 *
 * <p>Blocking channels have no timeouts, so each operation runs under a watchdog that closes the
 * channel when the deadline passes; the blocked call then fails and is reported as a timeout. A hung
 * daemon therefore costs wsctl at most the timeout, never a hang.
 */
public final class ControlClient implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Replies can list many routes or flows; this only stops a runaway peer from exhausting memory. */
    static final int MAX_REPLY_BYTES = 64 << 20;

    private final Path socket;
    private final Duration timeout;
    private final SocketChannel channel;
    private final LineReader reader;

    /**
     * Connects to the daemon.
     *
     * @throws IOException "cannot connect to wirespeed at PATH: is the daemon running?" and the cause
     */
    public ControlClient(Path socket) throws IOException {
        this(socket, DEFAULT_TIMEOUT);
    }

    public ControlClient(Path socket, Duration timeout) throws IOException {
        this.socket = socket;
        this.timeout = timeout;
        this.channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Watchdog watchdog = new Watchdog();
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (AsynchronousCloseException e) {
            throw new IOException("cannot connect to wirespeed at " + socket + ": no answer within " + describe(timeout), e);
        } catch (IOException e) {
            channel.close();
            String reason = String.valueOf(e.getMessage());
            if (reason.contains("Permission denied")) {
                throw new IOException("cannot connect to wirespeed at " + socket
                        + ": permission denied (run as root or as a member of the socket's group)", e);
            }
            throw new IOException("cannot connect to wirespeed at " + socket + ": is the daemon running? (" + reason + ")", e);
        } finally {
            watchdog.cancel();
        }
        this.reader = new LineReader(channel, MAX_REPLY_BYTES);
    }

    /**
     * Sends {@code {"cmd":cmd,"args":args}} and waits for the reply.
     *
     * @return the reply's {@code data} (parsed as by {@link Json#parse})
     * @throws CommandException the daemon's error message when it answers {@code "ok":false}
     * @throws IOException      on a timeout, a closed connection or a reply that is not protocol
     */
    public Object call(String cmd, Map<String, Object> args) throws IOException, CommandException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("cmd", cmd);
        request.put("args", args);
        String line = send(Json.write(request));
        Object reply;
        try {
            reply = Json.parse(line);
        } catch (JsonException e) {
            throw new IOException("invalid reply from wirespeed at " + socket + ": " + e.getMessage(), e);
        }
        if (!(reply instanceof Map<?, ?> m) || !(m.get("ok") instanceof Boolean ok)) {
            throw new IOException("invalid reply from wirespeed at " + socket + ": no \"ok\" field");
        }
        if (!ok) {
            throw new CommandException(m.get("error") instanceof String error ? error : "command failed (the daemon gave no reason)");
        }
        return m.get("data");
    }

    /** Sends one raw request line (no newline) and returns the raw reply line: for protocol tests. */
    String send(String requestLine) throws IOException {
        Watchdog watchdog = new Watchdog();
        try {
            ByteBuffer bytes = ByteBuffer.wrap((requestLine + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            String line = reader.readLine();
            if (line == null) {
                throw new IOException("wirespeed at " + socket + " closed the connection without a reply");
            }
            return line;
        } catch (AsynchronousCloseException e) {
            throw new IOException("no reply from wirespeed at " + socket + " within " + describe(timeout), e);
        } finally {
            watchdog.cancel();
        }
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Closes the channel unless cancelled before the timeout expires. */
    private final class Watchdog {
        private final Thread thread = Thread.ofVirtual().name("control-client-watchdog").start(() -> {
            try {
                Thread.sleep(timeout);
                channel.close();
            } catch (InterruptedException | IOException e) {
                // Interrupted: the block finished in time. IOException: the channel is closed either way.
            }
        });

        void cancel() {
            thread.interrupt();
        }
    }
}
