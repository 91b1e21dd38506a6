package io.wirespeed.control.lab;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process that behaves like a daemon as far as {@link DaemonProcess} can see: after a start-up
 * delay it accepts connections on a Unix socket until SIGTERM. It lets DaemonProcessTest check the
 * readiness wait and the shutdown sequence without root, a lab or the real daemon.
 *
 * <p>Usage: {@code UnixSocketListener SOCKET [DELAY_MS]}
 */
public final class UnixSocketListener {
    private UnixSocketListener() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Path socket = Path.of(args[0]);
        long delayMillis = args.length > 1 ? Long.parseLong(args[1]) : 0;
        Thread.sleep(delayMillis);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException ignored) {
                // the test's temporary directory goes away anyway
            }
        }));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            System.out.println("listening on " + socket);
            while (true) {
                try (SocketChannel client = server.accept()) {
                    System.out.println("accepted a connection");
                }
            }
        }
    }
}
