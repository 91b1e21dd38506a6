package io.wirespeed.control.lab;

/**
 * One datagram session of a lab real server's UDP identify service (port 5353, format {@code udp}
 * in src/test/resources/lb/nginx.conf): it answered "NAME CLIENT_ADDRESS".
 *
 * @param server        "rs1" or "rs2"
 * @param clientAddress the datagram's source as nginx saw it
 * @param clientPort    its source port
 * @param serverAddress the address it was sent to (the VIP in DR/TUN mode)
 * @param serverPort    5353
 * @param status        nginx's session status (200 when it answered)
 */
public record UdpLogEntry(String server, String clientAddress, int clientPort, String serverAddress, int serverPort,
        int status) {

    private static final int FIELDS = 5;

    /** Parses one log line of SERVER; fails with the line when it does not have the format's fields. */
    public static UdpLogEntry parse(String server, String line) {
        String[] f = line.split(" ");
        if (f.length != FIELDS) {
            throw new IllegalArgumentException(server + " udp log: expected " + FIELDS + " fields, got "
                    + f.length + " in line: " + line);
        }
        try {
            return new UdpLogEntry(server, f[0], Integer.parseInt(f[1]), f[2], Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(server + " udp log: bad number (" + e.getMessage()
                    + ") in line: " + line, e);
        }
    }
}
