package io.wirespeed.lb.conn;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.wirespeed.core.timer.TimerWheel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;
import java.util.function.Consumer;

/**
 * One worker's connection table: a fixed number of connection entries, each indexed under both of
 * its tuples (client to virtual address, and the reply tuple: server to client for NAT and DR,
 * server to local address for FNAT), with an idle timer per connection and the IPVS TCP state
 * machine. Owned by one worker thread: nothing here is thread safe, and the control plane reads it
 * only through {@link #copyEntries} run by the worker.
 *
 * <p>Memory is one off-heap segment sized at construction (entries, index slots, free-id stack)
 * and never grows; the timer wheel's arrays are sized once too. A full table refuses new
 * connections ({@link #insert} returns -1): established ones are never evicted. Every per-packet
 * method allocates nothing and does not throw for ids that {@link #lookup} or {@link #insert}
 * returned.
 *
 * <p>A <em>ref</em> names one tuple of a connection: {@code conn << 1 | direction}, with
 * {@link #ORIGINAL} the client's direction and {@link #REPLY} the server's. Connection ids are
 * {@code 0..capacity-1} and double as timer ids.
 *
 * <p>Persistence templates ({@link #insertTemplate}) are entries too, as in IPVS, and count towards
 * the capacity. A template is indexed under its own key only (a {@link ConnKey#setTemplateV4
 * template key} that no packet's tuple can equal), has its own timeout instead of its state's, and
 * counts the connections made through it ({@link #control}); it does not end while any of them
 * lives, and each one that ends restarts its timeout. Only the timer and expiry paths look at
 * templates: a packet of a connection costs nothing more for them.
 */
public final class ConnTable implements AutoCloseable {
    public static final int ORIGINAL = 0;
    public static final int REPLY = 1;

    /** Timer resolution: timeouts are seconds, a millisecond is plenty and keeps the wheel shallow. */
    public static final long TICK_NANOS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private final int capacity;
    /** Frees or unmaps the memory: an arena's close, or the table file's. */
    private final Runnable release;
    /** The shared file the memory is mapped from, or null for process-private memory. */
    private final ConnTableFile file;
    private final MemorySegment memory;
    private final ConnEntries entries;
    private final TupleIndex index;
    private final MemorySegment freeIds;
    private final TupleHash hash;
    private final TimerWheel timers;
    private final TimerWheel.Expiry onTimer = this::timedOut;
    /** The clock of the last (or the running) advance(): for timedOut(), and as "now" when an entry is freed. */
    private long advancing;
    private final ExpiryListener listener;
    private ConnTimeouts timeouts;
    private int freeTop;
    private int size;

    private long refusedFull;
    private long refusedDuplicate;
    private long refusedProbeLimit;

    /** A table whose hash key comes from {@link SecureRandom}, as every production table's must. */
    public ConnTable(int capacity, ConnTimeouts timeouts, ExpiryListener listener, long nowNanos) {
        this(capacity, timeouts, listener, nowNanos, randomKey(), randomKey());
    }

    /** A table with a chosen hash key: for tests that need to reproduce collisions. */
    ConnTable(int capacity, ConnTimeouts timeouts, ExpiryListener listener, long nowNanos, long k0, long k1) {
        checkArguments(capacity, timeouts, listener);
        Arena arena = Arena.ofShared(); // built by the control thread, used and closed by others
        long bytes = ConnTableFile.bodyBytes(capacity);
        MemorySegment memory;
        try {
            memory = arena.allocate(bytes, 64);
        } catch (OutOfMemoryError e) {
            arena.close();
            throw new IllegalArgumentException("cannot allocate a connection table of " + capacity + " entries ("
                    + bytes + " bytes off-heap)", e);
        }
        this(capacity, timeouts, listener, nowNanos, k0, k1, memory, arena::close, null);
    }

    /**
     * A table in a shared file mapping, for hot restart. A {@link ConnTableFile#create created} file
     * starts empty; an {@link ConnTableFile#attach attached} one carries on with the previous owner's
     * connections: same ids, tuples, states, counters, templates and free ids, and every entry's
     * timer armed again for its last activity plus its timeout ({@link System#nanoTime} is
     * CLOCK_MONOTONIC, the same clock in every process of the machine). Closing the table unmaps the
     * file and leaves it for the next owner; call {@link #handOver} first when one will take over.
     *
     * @throws IllegalStateException if the attached entries contradict the header (a corrupt file)
     */
    public ConnTable(ConnTableFile file, ConnTimeouts timeouts, ExpiryListener listener, long nowNanos) {
        checkArguments(file.capacity(), timeouts, listener);
        this(file.capacity(), timeouts, listener, nowNanos, file.k0(), file.k1(), file.body(), file::close, file);
    }

    private ConnTable(int capacity, ConnTimeouts timeouts, ExpiryListener listener, long nowNanos, long k0, long k1,
                      MemorySegment memory, Runnable release, ConnTableFile file) {
        this.capacity = capacity;
        this.timeouts = timeouts;
        this.listener = listener;
        this.memory = memory;
        this.release = release;
        this.file = file;
        int slotCount = TupleIndex.slotCount(capacity);
        long entryBytes = (long) capacity * ConnEntries.ENTRY_BYTES;
        long slotBytes = (long) slotCount * Long.BYTES;
        long freeBytes = (long) capacity * Integer.BYTES;
        this.entries = new ConnEntries(memory.asSlice(0, entryBytes));
        this.index = new TupleIndex(memory.asSlice(entryBytes, slotBytes), slotCount, entries);
        this.freeIds = memory.asSlice(entryBytes + slotBytes, freeBytes);
        this.hash = new TupleHash(k0, k1);
        this.timers = new TimerWheel(capacity, TICK_NANOS, nowNanos);
        this.advancing = nowNanos;
        if (file != null && file.attached()) {
            try {
                adopt(file, nowNanos);
            } catch (RuntimeException e) {
                release.run(); // the caller never gets a table to close
                throw e;
            }
        } else {
            for (int i = 0; i < capacity; i++) {
                freeIds.setAtIndex(JAVA_INT, i, capacity - 1 - i); // pops 0, 1, 2... first
            }
            this.freeTop = capacity;
        }
        if (file != null) {
            file.running();
        }
    }

    private static void checkArguments(int capacity, ConnTimeouts timeouts, ExpiryListener listener) {
        if (capacity < 1 || capacity > TimerWheel.MAX_CAPACITY) {
            throw new IllegalArgumentException("connection table capacity must be in 1.." + TimerWheel.MAX_CAPACITY
                    + ", got " + capacity);
        }
        if (timeouts == null || listener == null) {
            throw new IllegalArgumentException("connection table needs timeouts and an expiry listener");
        }
    }

    /** A fresh hash key for a new table file ({@link ConnTableFile#create}). */
    public static long newHashKey() {
        return randomKey();
    }

    // ---- refs ----------------------------------------------------------------------------------

    public static int conn(int ref) { return ref >>> 1; }

    public static int direction(int ref) { return ref & 1; }

    public static int ref(int conn, int direction) { return conn << 1 | direction; }

    // ---- size ----------------------------------------------------------------------------------

    public int capacity() { return capacity; }

    public int size() { return size; }

    /** Bytes of off-heap memory the table holds: constant from construction to close. */
    public long memoryBytes() { return memory.byteSize(); }

    /** Inserts refused because every entry was in use. */
    public long refusedFull() { return refusedFull; }

    /** Inserts refused because one of the tuples already belongs to a connection. */
    public long refusedDuplicate() { return refusedDuplicate; }

    /** Inserts refused because the probe bound was hit: a sign of a hash-flooding attempt. */
    public long refusedProbeLimit() { return refusedProbeLimit; }

    public ConnTimeouts timeouts() { return timeouts; }

    /** Swaps the timeouts (on the worker, e.g. from its mailbox); each connection picks them up at its next packet. */
    public void timeouts(ConnTimeouts newTimeouts) {
        if (newTimeouts == null) {
            throw new IllegalArgumentException("connection timeouts must not be null");
        }
        this.timeouts = newTimeouts;
    }

    // ---- lookup, insert, expire ----------------------------------------------------------------

    /** The ref of the connection one of whose tuples is {@code key}, or -1. */
    public int lookup(ConnKey key) {
        return index.find(hash(key), key);
    }

    /**
     * Adds a connection under both tuples, in {@code state} with {@code flags} (a {@link ConnFlags}
     * mode and bits; {@code NO_OUTPUT} is added for DR and TUN), its timer armed with the state's
     * timeout. Returns its id, or -1 when the table is full, a tuple is taken, or the probe bound is
     * hit (each counted). Destination, service and the other fields start at 0.
     */
    public int insert(ConnKey original, ConnKey reply, int state, int flags, long nowNanos) {
        if (freeTop == 0) {
            refusedFull++;
            return -1;
        }
        int conn = freeIds.getAtIndex(JAVA_INT, freeTop - 1);
        int originalRef = ref(conn, ORIGINAL);
        int replyRef = ref(conn, REPLY);
        entries.writeTuple(originalRef, original);
        entries.writeTuple(replyRef, reply);
        long originalHash = hash(original);
        int result = index.insert(originalHash, originalRef, original);
        if (result == TupleIndex.OK) {
            result = index.insert(hash(reply), replyRef, reply);
            if (result != TupleIndex.OK) {
                index.remove(originalHash, originalRef);
            }
        }
        if (result != TupleIndex.OK) {
            if (result == TupleIndex.DUPLICATE) {
                refusedDuplicate++;
            } else {
                refusedProbeLimit++;
            }
            entries.clear(conn);
            return -1;
        }
        freeTop--;
        size++;
        int mode = flags & ConnFlags.MODE_MASK;
        int initialFlags = (flags & ConnFlags.PUBLIC_MASK) | ConnFlags.IN_USE
                | (ConnFlags.isOneArmed(mode) ? ConnFlags.NO_OUTPUT : 0);
        entries.flags(conn, initialFlags);
        entries.state(conn, state);
        entries.intAt(conn, ConnEntries.DEST, 0);
        entries.intAt(conn, ConnEntries.SERVICE, 0);
        entries.intAt(conn, ConnEntries.SEQ_DELTA, 0);
        entries.intAt(conn, ConnEntries.SEQ_DELTA + 4, 0);
        entries.intAt(conn, ConnEntries.CONTROLLER, 0);
        entries.longAt(conn, ConnEntries.PACKETS, 0);
        entries.longAt(conn, ConnEntries.BYTES, 0);
        entries.longAt(conn, ConnEntries.LAST_ACTIVITY, nowNanos);
        timers.schedule(conn, nowNanos + timeouts.nanos(state));
        return conn;
    }

    /**
     * Adds a persistence template under {@code template} (a key from {@link ConnKey#setTemplateV4} or
     * {@code setTemplateV6}), pointing at {@code server}: the real server's tuple towards the client
     * network, kept for listings only (it is not indexed, so two templates may name the same server).
     * The template expires {@code timeoutSeconds} after its creation or the end of its last
     * connection, whichever is later. Returns its id, or -1 when the table is full or the key is
     * taken or the probe bound is hit (counted as for {@link #insert}). {@code mode} is the server's
     * {@link ConnFlags} forwarding mode, for listings.
     *
     * @throws IllegalArgumentException if {@code template} is not a template key or the timeout is
     *     outside {@code 1..ConnTimeouts.MAX_SECONDS} (a caller's bug, never a packet's content)
     */
    public int insertTemplate(ConnKey template, ConnKey server, int mode, int timeoutSeconds, long nowNanos) {
        if (!template.isTemplate()) {
            throw new IllegalArgumentException("not a template key: " + template);
        }
        checkTemplateTimeout(timeoutSeconds);
        if (freeTop == 0) {
            refusedFull++;
            return -1;
        }
        int conn = freeIds.getAtIndex(JAVA_INT, freeTop - 1);
        int ref = ref(conn, ORIGINAL);
        entries.writeTuple(ref, template);
        entries.writeTuple(ref(conn, REPLY), server);
        int result = index.insert(hash(template), ref, template);
        if (result != TupleIndex.OK) {
            if (result == TupleIndex.DUPLICATE) {
                refusedDuplicate++;
            } else {
                refusedProbeLimit++;
            }
            entries.clear(conn);
            return -1;
        }
        freeTop--;
        size++;
        entries.flags(conn, (mode & ConnFlags.MODE_MASK) | ConnFlags.TEMPLATE | ConnFlags.IN_USE);
        entries.state(conn, ConnState.NONE);
        entries.intAt(conn, ConnEntries.TEMPLATE_REFS, 0);
        entries.intAt(conn, ConnEntries.TEMPLATE_TIMEOUT, timeoutSeconds);
        entries.longAt(conn, ConnEntries.LAST_ACTIVITY, nowNanos);
        timers.schedule(conn, nowNanos + timeoutSeconds * SECOND);
        return conn;
    }

    /**
     * Connection {@code conn} was just made through {@code template}: the template counts it (and
     * so lives at least as long), takes {@code timeoutSeconds} as its timeout (the service's
     * {@code -p} now) and starts it again, as IPVS refreshes a template whenever it is used.
     *
     * @throws IllegalArgumentException if {@code template} is not a template, {@code conn} is not a
     *     connection in use or already has a template (a caller's bug)
     */
    public void control(int template, int conn, int timeoutSeconds, long nowNanos) {
        if (!isTemplate(template) || !inUse(conn) || isTemplate(conn) || templateOf(conn) >= 0) {
            throw new IllegalArgumentException("cannot put connection " + conn + " under template " + template);
        }
        checkTemplateTimeout(timeoutSeconds);
        entries.intAt(conn, ConnEntries.CONTROLLER, template + 1);
        entries.intAt(template, ConnEntries.TEMPLATE_REFS, entries.intAt(template, ConnEntries.TEMPLATE_REFS) + 1);
        entries.intAt(template, ConnEntries.TEMPLATE_TIMEOUT, timeoutSeconds);
        entries.longAt(template, ConnEntries.LAST_ACTIVITY, nowNanos);
        long due = nowNanos + timeoutSeconds * SECOND;
        if (timers.deadline(template) - due > 0) {
            timers.schedule(template, due); // a shorter -p than before: never fire late; a longer one is caught up lazily
        }
    }

    /**
     * Points a template at another real server (its server was removed and the client network was
     * scheduled afresh). The connections it controls stay counted: they still keep it alive.
     */
    public void retarget(int template, ConnKey server, int mode) {
        if (!isTemplate(template)) {
            throw new IllegalArgumentException("entry " + template + " is not a template");
        }
        entries.writeTuple(ref(template, REPLY), server);
        entries.flags(template, (entries.flags(template) & ~ConnFlags.MODE_MASK) | (mode & ConnFlags.MODE_MASK));
    }

    public boolean isTemplate(int conn) {
        return inUse(conn) && (entries.flags(conn) & ConnFlags.TEMPLATE) != 0;
    }

    /** How many live connections were made through {@code template}. */
    public int controlled(int template) {
        return entries.intAt(template, ConnEntries.TEMPLATE_REFS);
    }

    /** The template {@code conn} was made through, or -1. */
    public int templateOf(int conn) {
        return entries.intAt(conn, ConnEntries.CONTROLLER) - 1;
    }

    /** A template's timeout in seconds (the service's {@code -p} when it was last used). */
    public int templateTimeout(int template) {
        return entries.intAt(template, ConnEntries.TEMPLATE_TIMEOUT);
    }

    /**
     * Ends a connection now (server removed, RST answered, flush): the listener is called, then the
     * entry is freed. False if {@code conn} is not in use, or is a template that connections still
     * use (ending it would leave them counting into a freed entry).
     */
    public boolean expire(int conn) {
        if (!inUse(conn) || isTemplate(conn) && controlled(conn) > 0) {
            return false;
        }
        timers.cancel(conn);
        try {
            listener.onExpire(conn);
        } finally {
            free(conn);
        }
        return true;
    }

    /** Fires the timeouts due by {@code nowNanos}; call once per worker loop. Returns how many expired. */
    public int advance(long nowNanos) {
        advancing = nowNanos;
        return timers.advance(nowNanos, onTimer);
    }

    /**
     * A timer fired. Packets that did not change the state did not move the timer (touching the
     * wheel on every packet costs cache misses at a million connections), so the real deadline is
     * the last activity plus the state's timeout: if that is still ahead, the timer is re-armed for it.
     */
    private void timedOut(int conn) {
        long timeout = timeoutNanos(conn);
        long due = entries.longAt(conn, ConnEntries.LAST_ACTIVITY) + timeout;
        if (due - advancing > 0) {
            timers.schedule(conn, due);
            return;
        }
        if (isTemplate(conn) && controlled(conn) > 0) {
            timers.schedule(conn, advancing + timeout); // its connections keep it; the last one's end restarts it
            return;
        }
        try {
            listener.onExpire(conn);
        } finally {
            free(conn);
        }
    }

    private void free(int conn) {
        if (!inUse(conn)) {
            return; // the listener expired it itself
        }
        int originalRef = ref(conn, ORIGINAL);
        index.remove(entries.hashTuple(hash, originalRef), originalRef);
        if ((entries.flags(conn) & ConnFlags.TEMPLATE) == 0) {
            int replyRef = ref(conn, REPLY);
            index.remove(entries.hashTuple(hash, replyRef), replyRef);
            int template = templateOf(conn);
            if (template >= 0) {
                // advancing is this worker loop's clock; a connection expired by a packet was active later
                long last = entries.longAt(conn, ConnEntries.LAST_ACTIVITY);
                released(template, last - advancing > 0 ? last : advancing);
            }
        }
        entries.clear(conn);
        freeIds.setAtIndex(JAVA_INT, freeTop++, conn);
        size--;
    }

    /** A connection of {@code template} ended at {@code endNanos}: one fewer, and its timeout starts again from then. */
    private void released(int template, long endNanos) {
        if (!isTemplate(template)) {
            return; // cannot happen: a template with connections is never freed (see expire, timedOut)
        }
        entries.intAt(template, ConnEntries.TEMPLATE_REFS, entries.intAt(template, ConnEntries.TEMPLATE_REFS) - 1);
        if (endNanos - entries.longAt(template, ConnEntries.LAST_ACTIVITY) > 0) {
            entries.longAt(template, ConnEntries.LAST_ACTIVITY, endNanos);
        }
    }

    /** The idle timeout that applies to an entry: its state's, or a template's own. Not for the per-packet path. */
    private long timeoutNanos(int conn) {
        return (entries.flags(conn) & ConnFlags.TEMPLATE) != 0
                ? entries.intAt(conn, ConnEntries.TEMPLATE_TIMEOUT) * SECOND
                : timeouts.nanos(entries.state(conn));
    }

    private static void checkTemplateTimeout(int seconds) {
        if (seconds < 1 || seconds > ConnTimeouts.MAX_SECONDS) {
            throw new IllegalArgumentException("template timeout must be in 1.." + ConnTimeouts.MAX_SECONDS
                    + " seconds, got " + seconds);
        }
    }

    /**
     * Makes connection {@code conn} expire {@code remainingNanos} from now if nothing more happens
     * (a connection taken over from a peer node keeps the time it had left there). Its last
     * activity is set back so that the state's timeout, counted from it, ends then too.
     */
    public void expireIn(int conn, long remainingNanos, long nowNanos) {
        if (!inUse(conn) || remainingNanos <= 0) {
            throw new IllegalArgumentException("cannot set the expiry of entry " + conn + " to " + remainingNanos + " ns");
        }
        entries.longAt(conn, ConnEntries.LAST_ACTIVITY, nowNanos + remainingNanos - timeoutNanos(conn));
        timers.schedule(conn, nowNanos + remainingNanos);
    }

    // ---- per packet ----------------------------------------------------------------------------

    /**
     * Accounts a TCP segment of {@code bytes} on the tuple {@code ref} (as {@link #lookup} returned
     * it): moves the state by the IPVS tables, counts, and re-arms the timer with the new state's
     * timeout. Returns the {@link StateChange} for the destination counters.
     */
    public int updateTcp(int ref, int tcpFlags, int bytes, long nowNanos) {
        int conn = conn(ref);
        int flags = entries.flags(conn);
        int direction;
        if (direction(ref) == REPLY) {
            direction = TcpStateMachine.OUTPUT;
            if ((flags & ConnFlags.NO_OUTPUT) != 0) {
                entries.flags(conn, flags & ~ConnFlags.NO_OUTPUT); // replies do pass here after all
            }
        } else {
            direction = (flags & ConnFlags.NO_OUTPUT) != 0 ? TcpStateMachine.INPUT_ONLY : TcpStateMachine.INPUT;
        }
        int oldState = entries.state(conn);
        int newState = TcpStateMachine.next(oldState, direction, tcpFlags);
        if (newState != oldState) {
            entries.state(conn, newState);
            timers.schedule(conn, nowNanos + timeouts.nanos(newState)); // a new state brings a new timeout
        }
        touch(conn, newState, bytes, nowNanos);
        return StateChange.of(oldState, newState);
    }

    /** Accounts a UDP or ICMP packet (or any packet that does not move the state) and refreshes the timer. */
    public void update(int ref, int bytes, long nowNanos) {
        int conn = conn(ref);
        touch(conn, entries.state(conn), bytes, nowNanos);
    }

    /** Forces a state (synproxy, LISTEN templates) and re-arms the timer for it. Returns the change. */
    public int setState(int conn, int state, long nowNanos) {
        if (state < 0 || state >= ConnState.COUNT) {
            throw new IllegalArgumentException("connection state " + state + " out of range");
        }
        int oldState = entries.state(conn);
        entries.state(conn, state);
        timers.schedule(conn, nowNanos + timeouts.nanos(state));
        return StateChange.of(oldState, state);
    }

    /**
     * Counts a packet and its activity. The timer is moved only when the deadline comes EARLIER (a
     * shorter timeout set with --set); a later one is caught up lazily when the timer fires (see
     * timedOut), so the steady flow of an established connection does not relink the wheel per packet.
     */
    private void touch(int conn, int state, int bytes, long nowNanos) {
        entries.longAt(conn, ConnEntries.PACKETS, entries.longAt(conn, ConnEntries.PACKETS) + 1);
        entries.longAt(conn, ConnEntries.BYTES, entries.longAt(conn, ConnEntries.BYTES) + bytes);
        entries.longAt(conn, ConnEntries.LAST_ACTIVITY, nowNanos);
        long due = nowNanos + timeouts.nanos(state);
        if (timers.deadline(conn) - due > 0) {
            timers.schedule(conn, due);
        }
    }

    // ---- fields by id --------------------------------------------------------------------------

    public boolean inUse(int conn) {
        return conn >= 0 && conn < capacity && (entries.flags(conn) & ConnFlags.IN_USE) != 0;
    }

    public int state(int conn) { return entries.state(conn); }

    /** Flags as {@link ConnFlags} defines them (the table's own bits masked off). */
    public int flags(int conn) { return entries.flags(conn) & ConnFlags.VISIBLE_MASK; }

    /** Sets flag bits (e.g. {@link ConnFlags#TOA_SENT}); the mode and other bits stay. */
    public void addFlags(int conn, int bits) {
        entries.flags(conn, entries.flags(conn) | (bits & ConnFlags.PUBLIC_MASK & ~ConnFlags.MODE_MASK));
    }

    public void clearFlags(int conn, int bits) {
        entries.flags(conn, entries.flags(conn) & ~(bits & ConnFlags.PUBLIC_MASK & ~ConnFlags.MODE_MASK));
    }

    public int destination(int conn) { return entries.intAt(conn, ConnEntries.DEST); }
    public void destination(int conn, int destIndex) { entries.intAt(conn, ConnEntries.DEST, destIndex); }

    public int service(int conn) { return entries.intAt(conn, ConnEntries.SERVICE); }
    public void service(int conn, int serviceId) { entries.intAt(conn, ConnEntries.SERVICE, serviceId); }

    /** The sequence number delta applied to segments going in {@code direction} (ORIGINAL or REPLY). */
    public int seqDelta(int conn, int direction) { return entries.intAt(conn, ConnEntries.SEQ_DELTA + 4 * direction); }
    public void seqDelta(int conn, int direction, int delta) {
        entries.intAt(conn, ConnEntries.SEQ_DELTA + 4 * direction, delta);
    }

    /** Bytes the balancer inserted into the client's stream (a proxy protocol header), 0..255. */
    public int inserted(int conn) { return entries.inserted(conn); }
    public void inserted(int conn, int bytes) {
        if (bytes < 0 || bytes > 0xFF) {
            throw new IllegalArgumentException("inserted bytes " + bytes + " outside 0..255");
        }
        entries.inserted(conn, bytes);
    }

    public long packets(int conn) { return entries.longAt(conn, ConnEntries.PACKETS); }
    public long bytes(int conn) { return entries.longAt(conn, ConnEntries.BYTES); }
    public long lastActivity(int conn) { return entries.longAt(conn, ConnEntries.LAST_ACTIVITY); }

    /**
     * When the connection expires if nothing more happens: its last activity plus its state's timeout
     * (a template's own timeout), or a later armed timer; {@link TimerWheel#NOT_SCHEDULED} if none is.
     */
    public long deadline(int conn) {
        long armed = timers.deadline(conn);
        long due = entries.longAt(conn, ConnEntries.LAST_ACTIVITY) + timeoutNanos(conn);
        return armed == TimerWheel.NOT_SCHEDULED ? armed : Math.max(armed, due);
    }

    /** The IP protocol number (a template's too: its key's template mark is not part of it). */
    public int protocol(int conn, int direction) {
        return (int) (entries.tupleWord(conn, direction, ConnEntries.META) >>> 32) & 0xFF;
    }

    public long srcHi(int conn, int direction) { return entries.tupleWord(conn, direction, ConnEntries.SRC_HI); }
    public long srcLo(int conn, int direction) { return entries.tupleWord(conn, direction, ConnEntries.SRC_LO); }
    public long dstHi(int conn, int direction) { return entries.tupleWord(conn, direction, ConnEntries.DST_HI); }
    public long dstLo(int conn, int direction) { return entries.tupleWord(conn, direction, ConnEntries.DST_LO); }

    public int srcPort(int conn, int direction) {
        return (int) (entries.tupleWord(conn, direction, ConnEntries.META) >>> 16) & 0xFFFF;
    }

    public int dstPort(int conn, int direction) {
        return (int) entries.tupleWord(conn, direction, ConnEntries.META) & 0xFFFF;
    }

    /** IPv4 address of a v4 tuple's source (the low 32 bits of the mapped address). */
    public int srcV4(int conn, int direction) { return (int) srcLo(conn, direction); }
    public int dstV4(int conn, int direction) { return (int) dstLo(conn, direction); }

    /** FNAT: the local address is the reply tuple's destination, the port the server answers to. */
    public int localPort(int conn) { return dstPort(conn, REPLY); }

    /** Copies one tuple into {@code out} (reused by the caller). */
    public ConnKey tuple(int conn, int direction, ConnKey out) {
        out.setV6(protocol(conn, direction), srcHi(conn, direction), srcLo(conn, direction),
                srcPort(conn, direction), dstHi(conn, direction), dstLo(conn, direction), dstPort(conn, direction));
        if (direction == ORIGINAL && isTemplate(conn)) {
            out.protocol |= ConnKey.TEMPLATE_PROTOCOL;
        }
        return out;
    }

    // ---- control plane -------------------------------------------------------------------------

    /**
     * Copies up to {@code max} connections with ids from {@code from} on into {@code visitor}, in id
     * order, and returns the id to continue from, or -1 when the end of the table was reached. Run
     * by the worker (its mailbox) so each entry is read whole between two packets; a listing in
     * several calls may miss or repeat connections that came and went between calls, as
     * {@code /proc/net/ip_vs_conn} may. Allocates one {@link ConnInfo} per connection: control path.
     */
    public int copyEntries(int from, int max, long nowNanos, Consumer<ConnInfo> visitor) {
        if (from < 0 || max < 1) {
            throw new IllegalArgumentException("copyEntries needs from >= 0 and max >= 1, got from=" + from + " max=" + max);
        }
        int conn = from;
        int copied = 0;
        while (conn < capacity && copied < max) {
            if (inUse(conn)) {
                visitor.accept(info(conn, nowNanos));
                copied++;
            }
            conn++;
        }
        return conn < capacity ? conn : -1;
    }

    private ConnInfo info(int conn, long nowNanos) {
        long deadline = deadline(conn); // what -Lnc shows as the time left
        return new ConnInfo(conn, protocol(conn, ORIGINAL), state(conn), flags(conn),
                endpoint(conn, ORIGINAL, true), endpoint(conn, ORIGINAL, false),
                endpoint(conn, REPLY, true), endpoint(conn, REPLY, false),
                destination(conn), service(conn), packets(conn), bytes(conn),
                deadline == TimerWheel.NOT_SCHEDULED ? 0 : Math.max(0, deadline - nowNanos));
    }

    private ConnInfo.Endpoint endpoint(int conn, int direction, boolean source) {
        return source
                ? new ConnInfo.Endpoint(srcHi(conn, direction), srcLo(conn, direction), srcPort(conn, direction))
                : new ConnInfo.Endpoint(dstHi(conn, direction), dstLo(conn, direction), dstPort(conn, direction));
    }

    /**
     * Hot restart: saves the free-id stack's top and the size into the table file and marks it
     * handed over, so the next owner trusts them. Call after the worker stopped, before {@link
     * #close}; nothing may change the table afterwards. A table not backed by a file has nothing to save.
     */
    public void handOver() {
        if (file != null) {
            file.handedOver(freeTop, size);
        }
    }

    /**
     * Takes over the entries of an attached file: counts the entries in use, checks them against the
     * saved counts (a clean handover) or rebuilds the free-id stack from them (an owner that died
     * without handing over), and arms each entry's timer. O(capacity), in the restart's gap.
     */
    private void adopt(ConnTableFile file, long nowNanos) {
        int used = 0;
        int free = 0;
        // which ids are in use, so the free-id check below reads 8 KiB of bits instead of every free entry again
        long[] inUse = new long[(capacity + 63) >>> 6];
        for (int conn = 0; conn < capacity; conn++) {
            int flags = entries.flags(conn);
            if ((flags & ConnFlags.IN_USE) == 0) {
                continue;
            }
            inUse[conn >>> 6] |= 1L << conn;
            if (entries.state(conn) >= ConnState.COUNT) {
                throw corrupt(file, "entry " + conn + " has state " + entries.state(conn));
            }
            if (entries.longAt(conn, ConnEntries.LAST_ACTIVITY) - nowNanos > 0) {
                entries.longAt(conn, ConnEntries.LAST_ACTIVITY, nowNanos); // not from this boot's clock: start afresh
            }
            timers.schedule(conn, entries.longAt(conn, ConnEntries.LAST_ACTIVITY) + timeoutNanos(conn));
            used++;
        }
        if (file.clean()) {
            if (file.savedSize() != used || file.savedFreeTop() != capacity - used) {
                throw corrupt(file, used + " entries are in use but the handover saved size " + file.savedSize()
                        + " and " + file.savedFreeTop() + " free ids");
            }
            for (int i = 0; i < capacity - used; i++) {
                int id = freeIds.getAtIndex(JAVA_INT, i);
                if (id < 0 || id >= capacity || (inUse[id >>> 6] & 1L << id) != 0) {
                    throw corrupt(file, "free-id stack position " + i + " holds " + id + ", not a free entry");
                }
            }
        } else {
            for (int conn = capacity - 1; conn >= 0; conn--) {
                if ((inUse[conn >>> 6] & 1L << conn) == 0) {
                    freeIds.setAtIndex(JAVA_INT, free++, conn); // lowest ids pop first, as in a new table
                }
            }
        }
        this.size = used;
        this.freeTop = capacity - used;
    }

    private static IllegalStateException corrupt(ConnTableFile file, String why) {
        return new IllegalStateException("connection table file " + file.path() + " is inconsistent: " + why);
    }

    /** The shared file backing this table, or null when its memory is private to this process. */
    public ConnTableFile file() { return file; }

    /** Frees the off-heap memory (unmaps a table file, which stays); the table must not be used afterwards. */
    @Override
    public void close() {
        release.run();
    }

    // ---- internals -----------------------------------------------------------------------------

    private long hash(ConnKey k) {
        return hash.hash(k.srcHi, k.srcLo, k.dstHi, k.dstLo, k.meta());
    }

    /** Tuple displacement from its home slot, for tests of the probe bound. */
    int displacement(int ref) {
        return index.displacement(entries.hashTuple(hash, ref), ref);
    }

    private static long randomKey() {
        return Holder.RANDOM.nextLong();
    }

    private static final class Holder {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
