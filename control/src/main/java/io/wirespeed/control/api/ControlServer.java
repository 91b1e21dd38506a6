package io.wirespeed.control.api;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemon's end of the control socket: a Unix domain stream socket, one JSON request per line in,
 * one JSON response per line out (see {@link RequestDispatcher}).
 *
 * <p>Connections are served on virtual threads: this is the control plane, far from the packet path.
 * Nothing a client sends can stop the server: bad lines get error responses, an oversize line closes
 * only that connection, and connections are limited in number and closed when idle.
 */
public final class ControlServer implements AutoCloseable {
    /** Longest request line accepted; requests are small, this only bounds memory per connection. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;
    static final int MAX_CONNECTIONS = 64;
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

    private static final System.Logger LOG = System.getLogger(ControlServer.class.getName());

    private final Path socket;
    private final RequestDispatcher dispatcher;
    private final Duration idleTimeout;
    private final ServerSocketChannel listener;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private Thread acceptor;
    private Thread reaper;

    /**
     * Binds the socket (mode 0660, parent directory created if missing). A socket file left by a
     * daemon that died is replaced; one that a live daemon still answers on is not.
     *
     * @throws IOException saying which path and why, e.g. another daemon is running
     */
    public ControlServer(Path socket, CommandRegistry registry) throws IOException {
        this(socket, registry, DEFAULT_IDLE_TIMEOUT);
    }

    ControlServer(Path socket, CommandRegistry registry, Duration idleTimeout) throws IOException {
        this.socket = socket.toAbsolutePath();
        this.dispatcher = new RequestDispatcher(registry);
        this.idleTimeout = idleTimeout;
        this.listener = bind(this.socket);
    }

    private static ServerSocketChannel bind(Path socket) throws IOException {
        Path dir = socket.getParent();
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
            } catch (IOException e) {
                throw new IOException("cannot create the control socket directory " + dir + ": " + e, e);
            }
        }
        removeStaleSocket(socket);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(socket));
            // bind() creates the file with the umask's mode; narrow it at once to root and the group.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot listen on control socket " + socket + ": " + e, e);
        }
        return channel;
    }

    private static void removeStaleSocket(Path socket) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        // Sockets are neither regular files, directories nor links: "other". Never delete anything else.
        if (!attrs.isOther()) {
            throw new IOException("control socket path " + socket + " exists and is not a socket; refusing to replace it");
        }
        if (answers(socket)) {
            throw new IOException("another wirespeed is already listening on " + socket + " (stop it first)");
        }
        Files.deleteIfExists(socket);
        LOG.log(Level.INFO, "event=control_stale_socket_removed path=" + socket);
    }

    /** True if something accepts connections on the socket; false if it is stale (left by a dead daemon). */
    private static boolean answers(Path socket) throws IOException {
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(socket)).close();
            return true;
        } catch (ConnectException e) {
            return false; // only "connection refused" proves that nobody listens
        } catch (SocketException e) {
            throw new IOException("cannot tell whether control socket " + socket + " is in use: " + e, e);
        }
    }

    /** Starts accepting connections. */
    public synchronized void start() {
        if (acceptor != null) {
            throw new IllegalStateException("control server already started");
        }
        acceptor = Thread.ofVirtual().name("control-accept").start(this::acceptLoop);
        reaper = Thread.ofVirtual().name("control-idle-reaper").start(this::reapIdle);
        LOG.log(Level.INFO, "event=control_listening path=" + socket);
    }

    public Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                return; // close() was called
            } catch (IOException e) {
                // EMFILE and the like: log, back off a little so a persistent error does not spin.
                LOG.log(Level.WARNING, "event=control_accept_failed error=\"" + e + "\"");
                sleepQuietly(Duration.ofMillis(100));
                continue;
            }
            if (connections.size() >= MAX_CONNECTIONS) {
                refuse(channel, "too many control connections (limit " + MAX_CONNECTIONS + ")");
                continue;
            }
            Connection connection = new Connection(channel);
            connections.add(connection);
            Thread.ofVirtual().name("control-conn").start(() -> serve(connection));
        }
    }

    private void serve(Connection connection) {
        try (SocketChannel channel = connection.channel) {
            LineReader reader = new LineReader(channel, MAX_REQUEST_BYTES);
            while (!closed) {
                String response;
                try {
                    String line = reader.readLine();
                    if (line == null) {
                        return;
                    }
                    connection.touch();
                    if (line.isBlank()) {
                        continue;
                    }
                    response = dispatcher.dispatch(line);
                } catch (LineReader.MalformedLineException e) {
                    response = RequestDispatcher.error("request is not valid UTF-8");
                } catch (LineReader.LineTooLongException e) {
                    // The rest of the line is unread: the stream cannot be resynchronised, so say why and hang up.
                    writeLine(channel, RequestDispatcher.error("request line longer than " + MAX_REQUEST_BYTES + " bytes"));
                    return;
                }
                writeLine(channel, response);
                connection.touch();
            }
        } catch (IOException e) {
            // The client went away (or was reaped as idle): nothing to answer.
        } finally {
            connections.remove(connection);
        }
    }

    private static void writeLine(SocketChannel channel, String json) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private static void refuse(SocketChannel channel, String why) {
        try (channel) {
            writeLine(channel, RequestDispatcher.error(why));
        } catch (IOException e) {
            // It was being refused anyway.
        }
        LOG.log(Level.WARNING, "event=control_connection_refused reason=\"" + why + "\"");
    }

    /** Closes connections that sent nothing for the idle timeout, so abandoned clients free their slot. */
    private void reapIdle() {
        Duration period = idleTimeout.dividedBy(4);
        while (!closed) {
            sleepQuietly(period);
            long now = System.nanoTime();
            for (Connection c : connections) {
                if (now - c.lastActive > idleTimeout.toNanos()) {
                    c.close();
                }
            }
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Number of open client connections (for tests and stats). */
    int connectionCount() {
        return connections.size();
    }

    /** Stops accepting, closes every connection and removes the socket file. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            listener.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "event=control_close_failed path=" + socket + " error=\"" + e + "\"");
        }
        connections.forEach(Connection::close);
        if (reaper != null) {
            reaper.interrupt();
        }
        joinQuietly(acceptor);
        joinQuietly(reaper);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "event=control_socket_unlink_failed path=" + socket + " error=\"" + e + "\"");
        }
    }

    private static void joinQuietly(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Connection {
        final SocketChannel channel;
        volatile long lastActive = System.nanoTime();

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        void touch() {
            lastActive = System.nanoTime();
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing to free it; nothing more to do.
            }
        }
    }
}
