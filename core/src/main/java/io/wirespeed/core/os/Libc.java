package io.wirespeed.core.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * FFM bindings to the libc calls the data plane needs. Two flavours per call:
 * <ul>
 *   <li>{@code xxx(...)}: control path; throws {@link OsException} naming the call, its context and errno;</li>
 *   <li>{@code xxxRaw(ErrnoSlot, ...)}: hot path (poll, sendto kicks, recv); returns the raw result and
 *       leaves errno in the caller's preallocated {@link ErrnoSlot}. Allocates nothing.</li>
 * </ul>
 * errno is captured by the linker right after the call ({@code captureCallState}), because anything the
 * JVM does between the call and a later read could overwrite the thread's errno.
 */
public final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    static final MemoryLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = errnoCall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = errnoCall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = errnoCall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = errnoCall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CLOSE = errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle MMAP = errnoCall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = errnoCall("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle IOCTL = errnoCall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle POLL = errnoCall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SENDTO = errnoCall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM = errnoCall("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle RECVMSG = errnoCall("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle READ = errnoCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = errnoCall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle OPEN = errnoCall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL = errnoCall("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SCHED_SETAFFINITY = errnoCall("sched_setaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle SCHED_GETAFFINITY = errnoCall("sched_getaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle SCHED_GETCPU = errnoCall("sched_getcpu", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = errnoCall("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle GETTID = errnoCall("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle EVENTFD = errnoCall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    /* Constants (Linux x86-64). */
    public static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_PACKET = 17, AF_XDP = 44;
    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1, SOL_PACKET = 263, SOL_XDP = 283;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int PROT_READ = 1, PROT_WRITE = 2;
    public static final int MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20, MAP_POPULATE = 0x8000, MAP_HUGETLB = 0x40000;
    public static final short POLLIN = 1, POLLOUT = 4, POLLERR = 8, POLLHUP = 16, POLLNVAL = 32;
    public static final int O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    public static final int F_GETFL = 3, F_SETFL = 4;
    public static final int EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000;
    public static final long MAP_FAILED = -1L;

    private Libc() {}

    private static MethodHandle errnoCall(String name, FunctionDescriptor fd) {
        MemorySegment sym = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(sym, fd, CAPTURE);
    }

    private static final ThreadLocal<ErrnoSlot> CONTROL_SLOT = ThreadLocal.withInitial(ErrnoSlot::new);

    private static ErrnoSlot slot() { return CONTROL_SLOT.get(); }

    private static int check(String call, String ctx, int r, ErrnoSlot s) {
        if (r < 0) {
            throw new OsException(call, s.errno(), ctx);
        }
        return r;
    }

    private static long check(String call, String ctx, long r, ErrnoSlot s) {
        if (r < 0) {
            throw new OsException(call, s.errno(), ctx);
        }
        return r;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) return re;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    // ---- raw, allocation-free variants -------------------------------------------------------

    public static int pollRaw(ErrnoSlot s, MemorySegment fds, long nfds, int timeoutMs) {
        try {
            return (int) POLL.invokeExact(s.segment, fds, nfds, timeoutMs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long sendtoRaw(ErrnoSlot s, int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        try {
            return (long) SENDTO.invokeExact(s.segment, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long recvfromRaw(ErrnoSlot s, int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) RECVFROM.invokeExact(s.segment, fd, buf, len, flags, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** recvmsg(2) into a caller-built {@code struct msghdr} (e.g. to read SCM_CREDENTIALS ancillary data). */
    public static long recvmsgRaw(ErrnoSlot s, int fd, MemorySegment msghdr, int flags) {
        try {
            return (long) RECVMSG.invokeExact(s.segment, fd, msghdr, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long readRaw(ErrnoSlot s, int fd, MemorySegment buf, long len) {
        try {
            return (long) READ.invokeExact(s.segment, fd, buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long writeRaw(ErrnoSlot s, int fd, MemorySegment buf, long len) {
        try {
            return (long) WRITE.invokeExact(s.segment, fd, buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getsockoptRaw(ErrnoSlot s, int fd, int level, int opt, MemorySegment val, MemorySegment lenPtr) {
        try {
            return (int) GETSOCKOPT.invokeExact(s.segment, fd, level, opt, val, lenPtr);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- control-path variants (throw OsException) -----------------------------------------

    public static int socket(int domain, int type, int protocol) {
        ErrnoSlot s = slot();
        try {
            return check("socket", "domain=" + domain + " type=" + type, (int) SOCKET.invokeExact(s.segment, domain, type, protocol), s);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void bind(int fd, MemorySegment addr, String ctx) {
        ErrnoSlot s = slot();
        try {
            check("bind", ctx, (int) BIND.invokeExact(s.segment, fd, addr, (int) addr.byteSize()), s);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** sendto(2) of {@code buf} to {@code addr} (a sockaddr of its exact length); returns the bytes sent. */
    public static long sendto(int fd, MemorySegment buf, int flags, MemorySegment addr, String ctx) {
        ErrnoSlot s = slot();
        try {
            return check("sendto", ctx, (long) SENDTO.invokeExact(s.segment, fd, buf, buf.byteSize(), flags, addr, (int) addr.byteSize()), s);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void setsockopt(int fd, int level, int opt, MemorySegment val, String ctx) {
        ErrnoSlot s = slot();
        try {
            check("setsockopt", ctx, (int) SETSOCKOPT.invokeExact(s.segment, fd, level, opt, val, (int) val.byteSize()), s);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void setsockoptInt(int fd, int level, int opt, int value, String ctx) {
        try (Arena a = Arena.ofConfined()) {
            setsockopt(fd, level, opt, a.allocateFrom(JAVA_INT, value), ctx);
        }
    }

    /** getsockopt into {@code val}; returns the length the kernel wrote. */
    public static int getsockopt(int fd, int level, int opt, MemorySegment val, String ctx) {
        ErrnoSlot s = slot();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment len = a.allocateFrom(JAVA_INT, (int) val.byteSize());
            check("getsockopt", ctx, (int) GETSOCKOPT.invokeExact(s.segment, fd, level, opt, val, len), s);
            return len.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void close(int fd) {
        if (fd < 0) {
            return;
        }
        ErrnoSlot s = slot();
        try {
            int r = (int) CLOSE.invokeExact(s.segment, fd);
            if (r < 0 && s.errno() != Errno.EINTR) {
                throw new OsException("close", s.errno(), "fd=" + fd);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** mmap; the returned segment has {@code len} bytes. Unmap with {@link #munmap}. */
    public static MemorySegment mmap(long len, int prot, int flags, int fd, long offset, String ctx) {
        ErrnoSlot s = slot();
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(s.segment, MemorySegment.NULL, len, prot, flags, fd, offset);
            if (p.address() == MAP_FAILED) {
                throw new OsException("mmap", s.errno(), ctx + " len=" + len);
            }
            return p.reinterpret(len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void munmap(MemorySegment seg) {
        ErrnoSlot s = slot();
        try {
            check("munmap", "len=" + seg.byteSize(), (int) MUNMAP.invokeExact(s.segment, seg, seg.byteSize()), s);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int ioctl(int fd, long request, MemorySegment arg, String ctx) {
        ErrnoSlot s = slot();
        try {
            return check("ioctl", ctx, (int) IOCTL.invokeExact(s.segment, fd, request, arg), s);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int open(String path, int flags, int mode) {
        ErrnoSlot s = slot();
        try (Arena a = Arena.ofConfined()) {
            return check("open", path, (int) OPEN.invokeExact(s.segment, a.allocateFrom(path), flags, mode), s);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void setNonBlocking(int fd) {
        ErrnoSlot s = slot();
        try {
            int fl = check("fcntl", "F_GETFL fd=" + fd, (int) FCNTL.invokeExact(s.segment, fd, F_GETFL, 0), s);
            check("fcntl", "F_SETFL fd=" + fd, (int) FCNTL.invokeExact(s.segment, fd, F_SETFL, fl | O_NONBLOCK), s);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Interface index of a kernel interface; throws naming the interface when it does not exist. */
    public static int ifNameToIndex(String name) {
        ErrnoSlot s = slot();
        try (Arena a = Arena.ofConfined()) {
            int idx = (int) IF_NAMETOINDEX.invokeExact(s.segment, a.allocateFrom(name));
            if (idx == 0) {
                throw new OsException("if_nametoindex", s.errno(), "interface '" + name + "' does not exist in this network namespace");
            }
            return idx;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Pins the calling thread (only it, not the process) to {@code cpu}. */
    public static void pinCurrentThread(int cpu) {
        ErrnoSlot s = slot();
        try (Arena a = Arena.ofConfined()) {
            int words = Math.max(16, (cpu / 64) + 1); // 1024-bit mask at least, as glibc's cpu_set_t
            MemorySegment mask = a.allocate(JAVA_LONG, words);
            mask.setAtIndex(JAVA_LONG, cpu / 64, 1L << (cpu % 64));
            check("sched_setaffinity", "cpu=" + cpu,
                    (int) SCHED_SETAFFINITY.invokeExact(s.segment, 0, mask.byteSize(), mask), s);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The CPUs this process may run on (its affinity mask), as CPU numbers. */
    public static int[] allowedCpus() {
        ErrnoSlot s = slot();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mask = a.allocate(JAVA_LONG, 16);
            check("sched_getaffinity", "", (int) SCHED_GETAFFINITY.invokeExact(s.segment, 0, mask.byteSize(), mask), s);
            return java.util.stream.IntStream.range(0, 1024)
                    .filter(c -> (mask.getAtIndex(JAVA_LONG, c / 64) & (1L << (c % 64))) != 0).toArray();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int currentCpu() {
        ErrnoSlot s = slot();
        try {
            return check("sched_getcpu", "", (int) SCHED_GETCPU.invokeExact(s.segment), s);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * A new eventfd (a kernel counter readable when non-zero): how another thread wakes a worker
     * that sleeps in poll(2). Write 8 bytes to add, read 8 bytes to take the count and reset it.
     */
    public static int eventfd(int initval, int flags) {
        ErrnoSlot s = slot();
        try {
            return check("eventfd", "flags=0x" + Integer.toHexString(flags), (int) EVENTFD.invokeExact(s.segment, initval, flags), s);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int gettid() {
        ErrnoSlot s = slot();
        try {
            return (int) GETTID.invokeExact(s.segment);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static ValueLayout.OfInt errnoLayout() { return JAVA_INT; }
}
