package io.wirespeed.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {
    @TempDir
    Path tmp;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger maxInside = new AtomicInteger();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private CommandRegistry registry() {
        CommandRegistry r = new CommandRegistry();
        r.register("echo", args -> args);
        r.register("refuse", args -> {
            throw new CommandException("no such port 'port9'");
        });
        r.register("crash", args -> {
            throw new NullPointerException("bug");
        });
        r.register("slow", args -> {
            int now = inside.incrementAndGet();
            maxInside.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inside.decrementAndGet();
            return null;
        });
        return r;
    }

    private ControlServer start(Path socket) throws IOException {
        return start(socket, ControlServer.DEFAULT_IDLE_TIMEOUT);
    }

    private ControlServer start(Path socket, Duration idle) throws IOException {
        ControlServer server = new ControlServer(socket, registry(), idle);
        toClose.add(server);
        server.start();
        return server;
    }

    private ControlClient client(Path socket) throws IOException {
        ControlClient c = new ControlClient(socket);
        toClose.add(c);
        return c;
    }

    private SocketChannel raw(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        toClose.add(ch);
        return ch;
    }

    @Test
    void callsAndRepliesOnOneConnection() throws Exception {
        Path socket = tmp.resolve("ws.sock");
        start(socket);
        ControlClient c = client(socket);
        assertEquals(Map.of("dev", "port0"), c.call("echo", Map.of("dev", "port0")));
        assertEquals(Map.of(), c.call("echo", Map.of()));
        CommandException e = assertThrows(CommandException.class, () -> c.call("refuse", Map.of()));
        assertEquals("no such port 'port9'", e.getMessage());
    }

    @Test
    void badRequestsGetErrorsAndTheConnectionLivesOn() throws Exception {
        Path socket = tmp.resolve("ws.sock");
        start(socket);
        ControlClient c = client(socket);
        assertEquals("{\"ok\":false,\"error\":\"invalid JSON: expected a string key, got '}' at offset 9\"}", c.send("{\"cmd\":1,}"));
        assertEquals("{\"ok\":false,\"error\":\"unknown command 'nope'\"}", c.send("{\"cmd\":\"nope\"}"));
        assertEquals("{\"ok\":false,\"error\":\"internal error in 'crash': java.lang.NullPointerException: bug\"}",
                c.send("{\"cmd\":\"crash\"}"));
        assertEquals(Map.of("still", true), c.call("echo", Map.of("still", true)));
    }

    @Test
    void invalidUtf8AndBlankLines() throws Exception {
        Path socket = tmp.resolve("ws.sock");
        start(socket);
        SocketChannel ch = raw(socket);
        ch.write(ByteBuffer.wrap(new byte[] {'\n', ' ', '\r', '\n', (byte) 0xff, '\n'}));
        ch.write(ByteBuffer.wrap("{\"cmd\":\"echo\",\"args\":{\"x\":1}}\n".getBytes(StandardCharsets.UTF_8)));
        LineReader in = new LineReader(ch, 1000);
        assertEquals("{\"ok\":false,\"error\":\"request is not valid UTF-8\"}", in.readLine(), "blank lines get no reply");
        assertEquals("{\"ok\":true,\"data\":{\"x\":1}}", in.readLine());
    }

    @Test
    void oversizeLineClosesOnlyThatConnection() throws Exception {
        Path socket = tmp.resolve("ws.sock");
        start(socket);
        ControlClient c = client(socket);
        String huge = "{\"cmd\":\"echo\",\"args\":{\"x\":\"" + "a".repeat(70_000) + "\"}}";
        assertEquals("{\"ok\":false,\"error\":\"request line longer than 65536 bytes\"}", c.send(huge));
        IOException e = assertThrows(IOException.class, () -> c.send("{\"cmd\":\"echo\"}"));
        assertTrue(e.getMessage().contains("closed the connection") || e.getMessage().contains("Broken pipe")
                || e.getMessage().contains("reset"), e.getMessage());
        assertEquals(Map.of(), client(socket).call("echo", Map.of()), "the server still serves others");
        String justFits = "{\"cmd\":\"echo\",\"args\":{\"x\":\"" + "a".repeat(ControlServer.MAX_REQUEST_BYTES - 30) + "\"}}";
        assertEquals(ControlServer.MAX_REQUEST_BYTES, justFits.length());
        assertTrue(client(socket).send(justFits).startsWith("{\"ok\":true"));
    }

    @Test
    void socketIsGroupOnlyAndRemovedOnClose() throws Exception {
        Path socket = tmp.resolve("run/wirespeed/ws.sock");
        ControlServer server = start(socket);
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals(socket, server.socket());
        server.close();
        assertFalse(Files.exists(socket));
        IOException e = assertThrows(IOException.class, () -> new ControlClient(socket));
        assertTrue(e.getMessage().startsWith("cannot connect to wirespeed at " + socket + ": is the daemon running?"), e.getMessage());
        server.close(); // idempotent
    }

    @Test
    void staleSocketIsReplaced() throws Exception {
        Path socket = tmp.resolve("ws.sock");
        // A daemon that died leaves its socket file behind with nobody listening.
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(socket));
        dead.close();
        assertTrue(Files.exists(socket));
        start(socket);
        assertEquals(Map.of(), client(socket).call("echo", Map.of()));
    }

    @Test
    void liveDaemonIsNotReplaced() throws Exception {
        Path socket = tmp.resolve("ws.sock");
        start(socket);
        IOException e = assertThrows(IOException.class, () -> new ControlServer(socket, registry()));
        assertEquals("another wirespeed is already listening on " + socket + " (stop it first)", e.getMessage());
        assertEquals(Map.of(), client(socket).call("echo", Map.of()), "the first one is untouched");
    }

    @Test
    void otherFilesAreNeverReplaced() throws Exception {
        Path file = Files.writeString(tmp.resolve("important.txt"), "data");
        IOException e = assertThrows(IOException.class, () -> new ControlServer(file, registry()));
        assertEquals("control socket path " + file + " exists and is not a socket; refusing to replace it", e.getMessage());
        assertEquals("data", Files.readString(file));
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        assertThrows(IOException.class, () -> new ControlServer(dir, registry()));
    }

    @Test
    void clientTimesOutOnASilentPeer() throws Exception {
        Path socket = tmp.resolve("silent.sock");
        ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        toClose.add(silent);
        silent.bind(UnixDomainSocketAddress.of(socket)); // connects complete from the backlog; nobody answers
        long start = System.nanoTime();
        try (ControlClient c = new ControlClient(socket, Duration.ofMillis(300))) {
            IOException e = assertThrows(IOException.class, () -> c.call("echo", Map.of()));
            assertEquals("no reply from wirespeed at " + socket + " within 300 ms", e.getMessage());
        }
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos());
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        Path socket = tmp.resolve("ws.sock");
        ControlServer server = start(socket, Duration.ofMillis(200));
        SocketChannel ch = raw(socket);
        assertNull(new LineReader(ch, 100).readLine(), "the server hangs up on an idle client");
        waitFor(() -> server.connectionCount() == 0);
    }

    @Test
    void connectionsAreLimited() throws Exception {
        Path socket = tmp.resolve("ws.sock");
        ControlServer server = start(socket);
        for (int i = 0; i < ControlServer.MAX_CONNECTIONS; i++) {
            raw(socket);
        }
        waitFor(() -> server.connectionCount() == ControlServer.MAX_CONNECTIONS);
        LineReader extra = new LineReader(raw(socket), 1000);
        assertEquals("{\"ok\":false,\"error\":\"too many control connections (limit 64)\"}", extra.readLine());
        assertNull(extra.readLine());
    }

    @Test
    void handlersRunOneAtATime() throws Exception {
        Path socket = tmp.resolve("ws.sock");
        start(socket);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Object>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit((Callable<Object>) () -> {
                    try (ControlClient c = new ControlClient(socket)) {
                        for (int i = 0; i < 10; i++) {
                            c.call("slow", Map.of());
                        }
                    }
                    return null;
                }));
            }
            for (Future<Object> f : results) {
                f.get();
            }
        }
        assertEquals(1, maxInside.get());
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 5 s");
            Thread.sleep(10);
        }
    }
}
