package io.wirespeed.control.health;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sends one datagram from a connected socket and waits for the answer. Healthy on a reply (containing
 * {@code expect}, when set). Silence is a failure, as keepalived's UDP_CHECK with {@code require_reply}
 * has it: a UDP service that never answers cannot be told from a dead one. A connected socket also
 * hears the ICMP port unreachable of a host with nothing on the port, which fails at once.
 */
final class UdpProbe implements Probe {
    private final byte[] send;
    private final String expect;

    UdpProbe(String send, String expect) {
        this.send = send.getBytes(StandardCharsets.UTF_8);
        this.expect = expect;
    }

    @Override
    public Outcome run(InetAddress addr, int port, Duration timeout) {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(addr, port);
            s.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            s.send(new DatagramPacket(send, send.length));
            byte[] buf = new byte[2048];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            s.receive(reply);
            String text = new String(buf, 0, reply.getLength(), StandardCharsets.UTF_8);
            if (expect != null && !text.contains(expect)) {
                return Outcome.failed("udp reply lacks \"" + expect + "\"");
            }
            return Outcome.OK;
        } catch (SocketTimeoutException e) {
            return Outcome.timedOut("no udp reply");
        } catch (PortUnreachableException e) {
            return Outcome.failed("udp port unreachable");
        } catch (IOException e) {
            return Outcome.failed("udp: " + e.getMessage());
        }
    }
}
