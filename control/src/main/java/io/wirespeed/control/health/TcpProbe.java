package io.wirespeed.control.health;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** Healthy when the server completes a TCP handshake; the connection is closed at once. */
final class TcpProbe implements Probe {
    @Override
    public Outcome run(InetAddress addr, int port, Duration timeout) {
        try (Socket s = new Socket()) {
            connect(s, addr, port, timeout);
            return Outcome.OK;
        } catch (ProbeFailure f) {
            return f.outcome;
        } catch (IOException e) {
            return Outcome.failed("close: " + e.getMessage());
        }
    }

    /** Connects within {@code timeout}, or throws a {@link ProbeFailure} that says why not in a few words. */
    static void connect(Socket s, InetAddress addr, int port, Duration timeout) throws ProbeFailure {
        try {
            s.connect(new InetSocketAddress(addr, port), (int) Math.max(1, timeout.toMillis()));
        } catch (SocketTimeoutException e) {
            throw new ProbeFailure(Outcome.timedOut("connect timeout"));
        } catch (NoRouteToHostException e) {
            throw new ProbeFailure(Outcome.failed("no route to host"));
        } catch (ConnectException e) {
            String m = String.valueOf(e.getMessage());
            throw new ProbeFailure(Outcome.failed(m.contains("refused") ? "connect refused" : "connect: " + m));
        } catch (IOException e) {
            throw new ProbeFailure(Outcome.failed("connect: " + e.getMessage()));
        }
    }

    /** A probe's early end, carrying its outcome out of nested calls. */
    static final class ProbeFailure extends Exception {
        final Outcome outcome;

        ProbeFailure(Outcome outcome) {
            super(outcome.reason(), null, false, false);
            this.outcome = outcome;
        }
    }
}
