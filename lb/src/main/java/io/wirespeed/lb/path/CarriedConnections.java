package io.wirespeed.lb.path;

import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.service.RealServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hot restart, the load balancer's side: connections in a table file name their real server by a
 * {@link Destinations} slot and their full-NAT address by a local-pool index, and both numberings
 * belong to the process that made them. The old process writes what each number meant (the
 * <em>directory</em>, a small text file next to the table); the new one maps every carried
 * connection's numbers to its own, rebuilds the per-server connection counts and takes the
 * carried local ports out of its free lists. A connection whose server or local address the new
 * configuration lacks is ended without touching counters or ports it never held in this process:
 * it is rescheduled or reset by its next packet, never forwarded to the wrong place. So is a
 * SYN-proxied connection: its sequence shift lives in the {@link SynProxy}'s private side table.
 *
 * <p>Directory lines: {@code d <slot> <service key>|<server address>|<port>|<method>} and {@code p
 * <pool> <local address>}, tab separated. Runs on the control thread before the worker starts, or on
 * the stopped worker's table: allocation is fine here.
 */
final class CarriedConnections {
    private CarriedConnections() {}

    /** What adopting a table file found: connections carried on, and those ended because nothing here matches them. */
    record Adopted(int carried, int orphaned) {}

    /** The directory file of a table file. */
    static Path directoryOf(Path tableFile) {
        return tableFile.resolveSibling(tableFile.getFileName() + ".dests");
    }

    /** Writes the meaning of this worker's slots and pool indices for the next process (atomically: write then rename). */
    static void writeDirectory(Path tableFile, WorkerServices services) {
        StringBuilder out = new StringBuilder();
        for (ServiceRuntime rt : services.services) {
            List<RealServer> servers = rt.entry.servers();
            for (int i = 0; i < servers.size(); i++) {
                out.append("d\t").append(rt.slot[i]).append('\t').append(identity(rt, servers.get(i))).append('\n');
            }
        }
        for (int pool = 0; pool < services.poolCount(); pool++) {
            out.append("p\t").append(pool).append('\t').append(services.localPorts(pool).address).append('\n');
        }
        Path target = directoryOf(tableFile);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, out, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the destination directory " + target + ": " + e, e);
        }
    }

    private static String identity(ServiceRuntime rt, RealServer s) {
        return rt.entry.key() + "|" + s.addr() + "|" + s.port() + "|" + s.method();
    }

    /**
     * Renumbers the carried connections of {@code path}'s table into this process's slots and
     * pools and rebuilds the counts and port free lists from them. The services of the first
     * snapshot must be in place. Without a directory (the old owner died before writing one) nothing
     * can be mapped safely, and every carried connection is ended.
     */
    static Adopted adopt(LbPath path, Path tableFile) {
        ConnTable conns = path.conns;
        WorkerServices services = path.services;
        Map<Integer, Integer> slotMap = new HashMap<>();
        Map<Integer, Integer> poolMap = new HashMap<>();
        readDirectory(directoryOf(tableFile), services, slotMap, poolMap);
        List<BitSet> portsInUse = new ArrayList<>();
        for (int pool = 0; pool < services.poolCount(); pool++) {
            portsInUse.add(new BitSet(65536));
        }
        List<Integer> orphans = new ArrayList<>();
        int carried = 0;
        for (int conn = 0; conn < conns.capacity(); conn++) {
            if (!conns.inUse(conn) || conns.isTemplate(conn)) {
                continue;
            }
            Integer slot = slotMap.get(conns.destination(conn));
            int mode = ConnFlags.mode(conns.flags(conn));
            boolean holdsPort = mode == ConnFlags.MODE_FNAT || mode == ConnFlags.MODE_NAT64 || mode == ConnFlags.MODE_SNAT;
            Integer pool = holdsPort ? (conns.service(conn) < 0 ? Integer.valueOf(-1) : poolMap.get(conns.service(conn))) : null;
            // a SYN-proxied connection's sequence shift lives in the SynProxy's private side table, which does not carry over
            boolean synproxied = (conns.flags(conn) & ConnFlags.SYNPROXY) != 0;
            if (slot == null || holdsPort && pool == null || synproxied) {
                orphans.add(conn);
                continue;
            }
            conns.destination(conn, slot);
            services.destinations.carried(slot, ConnState.isActive(conns.state(conn)));
            if (holdsPort) {
                conns.service(conn, pool);
                if (pool >= 0) {
                    portsInUse.get(pool).set(conns.localPort(conn));
                }
            }
            carried++;
        }
        for (int pool = 0; pool < services.poolCount(); pool++) {
            services.localPorts(pool).exclude(portsInUse.get(pool));
        }
        path.endOrphans(orphans);
        return new Adopted(carried, orphans.size());
    }

    private static void readDirectory(Path file, WorkerServices services, Map<Integer, Integer> slotMap,
                                      Map<Integer, Integer> poolMap) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return; // nothing maps: every carried connection is an orphan
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the destination directory " + file + ": " + e, e);
        }
        Map<String, Integer> ownSlots = new HashMap<>();
        for (ServiceRuntime rt : services.services) {
            List<RealServer> servers = rt.entry.servers();
            for (int i = 0; i < servers.size(); i++) {
                ownSlots.put(identity(rt, servers.get(i)), rt.slot[i]);
            }
        }
        Map<String, Integer> ownPools = new HashMap<>();
        for (int pool = 0; pool < services.poolCount(); pool++) {
            ownPools.put(services.localPorts(pool).address.toString(), pool);
        }
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            String[] f = line.split("\t", 3);
            int number;
            try {
                number = f.length == 3 ? Integer.parseInt(f[1]) : -1;
            } catch (NumberFormatException e) {
                number = -1;
            }
            if (number < 0 || !f[0].equals("d") && !f[0].equals("p")) {
                throw new IllegalStateException("destination directory " + file + " line " + lineNo + ": `" + line
                        + "' is not `d|p <number> <identity>'");
            }
            Integer own = (f[0].equals("d") ? ownSlots : ownPools).get(f[2]);
            if (own != null) {
                (f[0].equals("d") ? slotMap : poolMap).put(number, own);
            }
        }
    }
}
