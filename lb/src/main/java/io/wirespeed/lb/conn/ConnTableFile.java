package io.wirespeed.lb.conn;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A connection table's memory in a shared file mapping (tmpfs {@code /dev/shm} or hugetlbfs), so
 * that the next daemon process can map the same file and carry on with the same connections: the
 * hot restart. The kernel keeps the pages as long as the file exists, whatever happens to the
 * process that wrote them; the file is the state, the process only borrows it.
 *
 * <p>Layout: a {@value #HEADER_BYTES}-byte header, then the table's own regions exactly as an
 * in-memory table has them (entries, index slots, free-id stack: see {@link ConnTable}). Header:
 * <pre>
 *   0  magic "WSCONNTB" (8)    8  layout version (4)    12  entry bytes (4)
 *  16  capacity (4)           20  index slots (4)      24  hash key k0 (8)   32  hash key k1 (8)
 *  40  CRC32C of bytes 0..39 (4)                       44  handover state (4)
 *  48  generation: attaches so far (8)                 56  free-stack top (4)  60  size (4)
 *  64  owner pid (8)          72  8 caller words for the owner's own bookkeeping (8 x 8)
 * </pre>
 * The layout words never change after creation and are covered by the CRC, so a torn or foreign
 * file is refused instead of being read as connections. The free-stack top and size live in the
 * owner's fields while it runs and are written here by {@link ConnTable#sync} when it hands over;
 * the handover state says whether they can be trusted ({@link #CLEAN}) or must be recounted from
 * the entries (the owner died without handing over).
 */
public final class ConnTableFile implements AutoCloseable {
    static final int HEADER_BYTES = 4096;
    static final long MAGIC = 0x4254_4E4E_4F43_5357L; // "WSCONNTB" read as little-endian bytes
    static final int VERSION = 1;

    static final long OFF_MAGIC = 0;
    static final long OFF_VERSION = 8;
    static final long OFF_ENTRY_BYTES = 12;
    static final long OFF_CAPACITY = 16;
    static final long OFF_SLOTS = 20;
    static final long OFF_K0 = 24;
    static final long OFF_K1 = 32;
    static final long OFF_CRC = 40;
    static final long OFF_STATE = 44;
    static final long OFF_GENERATION = 48;
    static final long OFF_FREE_TOP = 56;
    static final long OFF_SIZE = 60;
    static final long OFF_OWNER = 64;
    static final long OFF_WORDS = 72;
    /** Caller words: e.g. a fingerprint of the destination numbering the entries refer to. */
    public static final int WORDS = 8;

    /** Handover states. */
    static final int RUNNING = 1;
    static final int CLEAN = 2;

    private final Path path;
    private final Arena arena;
    private final MemorySegment header;
    private final MemorySegment body;
    private final boolean attached;

    private ConnTableFile(Path path, Arena arena, MemorySegment mapped, boolean attached) {
        this.path = path;
        this.arena = arena;
        this.header = mapped.asSlice(0, HEADER_BYTES);
        this.body = mapped.asSlice(HEADER_BYTES);
        this.attached = attached;
    }

    /** {@code /dev/shm/wirespeed-<name>-worker<N>}: where a daemon named {@code name} keeps worker N's table. */
    public static Path defaultPath(String name, int worker) {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,64}") || name.startsWith(".")) {
            throw new IllegalArgumentException("connection table name `" + name
                    + "' must be 1-64 letters, digits, '_', '-' or '.', not starting with '.'");
        }
        return Path.of("/dev/shm", "wirespeed-" + name + "-worker" + worker);
    }

    /** Bytes of the body a table of {@code capacity} entries needs (entries, index, free stack). */
    static long bodyBytes(int capacity) {
        return (long) capacity * ConnEntries.ENTRY_BYTES + (long) TupleIndex.slotCount(capacity) * Long.BYTES
                + (long) capacity * Integer.BYTES;
    }

    /**
     * Creates (or replaces) the file for a new, empty table of {@code capacity} entries with hash key
     * {@code k0, k1}. The body is zero, as the kernel hands out new tmpfs pages.
     */
    public static ConnTableFile create(Path path, int capacity, long k0, long k1) {
        checkCapacity(capacity);
        long size = HEADER_BYTES + bodyBytes(capacity);
        Arena arena = Arena.ofShared();
        try {
            // A fresh inode: a process still mapping an old file keeps its own pages.
            Files.deleteIfExists(path);
            MemorySegment m;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.allocate(1), size - 1); // sparse: pages appear on first touch
                m = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            }
            m.set(JAVA_LONG, OFF_MAGIC, MAGIC);
            m.set(JAVA_INT, OFF_VERSION, VERSION);
            m.set(JAVA_INT, OFF_ENTRY_BYTES, ConnEntries.ENTRY_BYTES);
            m.set(JAVA_INT, OFF_CAPACITY, capacity);
            m.set(JAVA_INT, OFF_SLOTS, TupleIndex.slotCount(capacity));
            m.set(JAVA_LONG, OFF_K0, k0);
            m.set(JAVA_LONG, OFF_K1, k1);
            m.set(JAVA_INT, OFF_CRC, crc(m));
            m.set(JAVA_INT, OFF_STATE, RUNNING);
            m.set(JAVA_LONG, OFF_OWNER, ProcessHandle.current().pid());
            return new ConnTableFile(path, arena, m, false);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw new IllegalStateException("cannot create connection table file " + path + " for " + capacity
                    + " entries (" + size + " bytes): " + e.getMessage(), e);
        }
    }

    /**
     * Maps an existing table file written by a previous owner. Refused, with the reason, when the
     * file is missing, shorter than its layout, not a table file, of another version or entry size,
     * or holds another capacity than {@code capacity} (the config changed: entries cannot be carried).
     */
    public static ConnTableFile attach(Path path, int capacity) {
        checkCapacity(capacity);
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long fileSize = ch.size();
            if (fileSize < HEADER_BYTES) {
                throw refused(path, "it is " + fileSize + " bytes, shorter than the " + HEADER_BYTES + "-byte header");
            }
            MemorySegment m = ch.map(FileChannel.MapMode.READ_WRITE, 0, fileSize, arena);
            checkHeader(path, m, capacity, fileSize);
            m.set(JAVA_LONG, OFF_GENERATION, m.get(JAVA_LONG, OFF_GENERATION) + 1);
            m.set(JAVA_LONG, OFF_OWNER, ProcessHandle.current().pid());
            return new ConnTableFile(path, arena, m.asSlice(0, HEADER_BYTES + bodyBytes(capacity)), true);
        } catch (IOException e) {
            arena.close();
            throw new IllegalStateException("cannot attach connection table file " + path + ": " + e, e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static void checkHeader(Path path, MemorySegment m, int capacity, long fileSize) {
        long magic = m.get(JAVA_LONG, OFF_MAGIC);
        if (magic != MAGIC) {
            throw refused(path, "it is not a connection table file (magic " + Long.toHexString(magic) + ")");
        }
        if (m.get(JAVA_INT, OFF_CRC) != crc(m)) {
            throw refused(path, "its header is corrupt (checksum mismatch)");
        }
        int version = m.get(JAVA_INT, OFF_VERSION);
        if (version != VERSION) {
            throw refused(path, "it has layout version " + version + ", this build reads version " + VERSION);
        }
        int entryBytes = m.get(JAVA_INT, OFF_ENTRY_BYTES);
        if (entryBytes != ConnEntries.ENTRY_BYTES) {
            throw refused(path, "its entries are " + entryBytes + " bytes, this build's are " + ConnEntries.ENTRY_BYTES);
        }
        int fileCapacity = m.get(JAVA_INT, OFF_CAPACITY);
        if (fileCapacity != capacity) {
            throw refused(path, "it holds a table of " + fileCapacity + " connections, the config asks for " + capacity
                    + " (lb.connections must stay the same across a hot restart)");
        }
        int slots = m.get(JAVA_INT, OFF_SLOTS);
        if (slots != TupleIndex.slotCount(capacity)) {
            throw refused(path, "its index has " + slots + " slots, expected " + TupleIndex.slotCount(capacity));
        }
        long need = HEADER_BYTES + bodyBytes(capacity);
        if (fileSize < need) {
            throw refused(path, "it is " + fileSize + " bytes, its layout needs " + need);
        }
    }

    private static IllegalStateException refused(Path path, String why) {
        return new IllegalStateException("cannot attach connection table file " + path + ": " + why);
    }

    private static int crc(MemorySegment m) {
        CRC32C crc = new CRC32C();
        crc.update(m.asSlice(0, OFF_CRC).asByteBuffer());
        return (int) crc.getValue();
    }

    private static void checkCapacity(int capacity) {
        if (capacity < 1 || capacity > io.wirespeed.core.timer.TimerWheel.MAX_CAPACITY) {
            throw new IllegalArgumentException("connection table capacity must be in 1.."
                    + io.wirespeed.core.timer.TimerWheel.MAX_CAPACITY + ", got " + capacity);
        }
    }

    // ---- for ConnTable -------------------------------------------------------------------------

    MemorySegment body() { return body; }

    int capacity() { return header.get(JAVA_INT, OFF_CAPACITY); }
    long k0() { return header.get(JAVA_LONG, OFF_K0); }
    long k1() { return header.get(JAVA_LONG, OFF_K1); }

    /** The previous owner handed over and wrote its free-stack top and size. */
    boolean clean() { return header.get(JAVA_INT, OFF_STATE) == CLEAN; }
    int savedFreeTop() { return header.get(JAVA_INT, OFF_FREE_TOP); }
    int savedSize() { return header.get(JAVA_INT, OFF_SIZE); }

    /** The owner runs: until it hands over again, the saved counts are stale. */
    void running() { header.set(JAVA_INT, OFF_STATE, RUNNING); }

    /** The owner stopped touching the table and saved its counts: the next owner may trust them. */
    void handedOver(int freeTop, int size) {
        header.set(JAVA_INT, OFF_FREE_TOP, freeTop);
        header.set(JAVA_INT, OFF_SIZE, size);
        header.set(JAVA_INT, OFF_STATE, CLEAN);
        body.force(); // no-op on tmpfs, writes back on a disk-backed file; cheap either way
    }

    // ---- public ----------------------------------------------------------------------------------

    public Path path() { return path; }

    /** True if this file was attached (carries a previous owner's connections), false if created empty. */
    public boolean attached() { return attached; }

    /** How many processes attached to this file since it was created. */
    public long generation() { return header.get(JAVA_LONG, OFF_GENERATION); }

    /** Caller word {@code i} (0..{@value #WORDS}-1): kept in the file for the next owner. */
    public long word(int i) { return header.get(JAVA_LONG, OFF_WORDS + 8L * checkWord(i)); }

    public void word(int i, long value) { header.set(JAVA_LONG, OFF_WORDS + 8L * checkWord(i), value); }

    private static int checkWord(int i) {
        if (i < 0 || i >= WORDS) {
            throw new IllegalArgumentException("caller word " + i + " outside 0.." + (WORDS - 1));
        }
        return i;
    }

    /** Unmaps the file; the file itself stays for the next owner (delete it with {@link #delete}). */
    @Override
    public void close() {
        arena.close();
    }

    /** Removes a table file (a normal shutdown, where no one takes over). */
    public static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete connection table file " + path + ": " + e, e);
        }
    }
}
