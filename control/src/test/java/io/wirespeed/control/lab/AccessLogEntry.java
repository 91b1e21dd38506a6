package io.wirespeed.control.lab;

/**
 * One HTTP request as a lab real server's nginx logged it (format {@code lb} in
 * src/test/resources/lb/nginx.conf).
 *
 * @param server            the real server that answered: "rs1" or "rs2"
 * @param clientAddress     the peer of the TCP connection as nginx saw it (the client in DR/TUN/NAT
 *                          mode, a local address of the LB in FNAT mode)
 * @param clientPort        that peer's port
 * @param serverAddress     the address that accepted the connection (the VIP in DR/TUN mode)
 * @param serverPort        80 (plain HTTP) or 8080 (PROXY protocol)
 * @param status            the HTTP status nginx sent
 * @param proxyAddress      source address in the PROXY protocol header, null without one
 * @param proxyPort         source port in the PROXY protocol header, 0 without one
 * @param proxyServerAddress destination address in the PROXY protocol header, null without one
 * @param proxyServerPort   destination port in the PROXY protocol header, 0 without one
 * @param connection        nginx's serial number of the connection: distinct values count connections
 * @param connectionRequest the request's number on its connection (1 for the first)
 * @param uri               the request URI
 */
public record AccessLogEntry(String server, String clientAddress, int clientPort, String serverAddress, int serverPort,
        int status, String proxyAddress, int proxyPort, String proxyServerAddress, int proxyServerPort,
        long connection, long connectionRequest, String uri) {

    private static final int FIELDS = 12;

    /** Parses one log line of SERVER; fails with the line when it does not have the format's fields. */
    public static AccessLogEntry parse(String server, String line) {
        String[] f = line.split(" ", FIELDS);
        if (f.length != FIELDS) {
            throw new IllegalArgumentException(server + " access log: expected " + FIELDS + " fields, got "
                    + f.length + " in line: " + line);
        }
        try {
            return new AccessLogEntry(server, f[0], Integer.parseInt(f[1]), f[2], Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), orNull(f[5]), orZero(f[6]), orNull(f[7]), orZero(f[8]),
                    Long.parseLong(f[9]), Long.parseLong(f[10]), f[11]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(server + " access log: bad number (" + e.getMessage()
                    + ") in line: " + line, e);
        }
    }

    /** nginx logs an empty variable as "-". */
    private static String orNull(String field) {
        return field.equals("-") ? null : field;
    }

    private static int orZero(String field) {
        return field.equals("-") ? 0 : Integer.parseInt(field);
    }
}
