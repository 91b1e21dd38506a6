package io.wirespeed.drivers.afxdp;

import io.wirespeed.core.os.Errno;
import io.wirespeed.core.os.OsException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few bpf(2) commands the driver needs, made through libc's {@code syscall(SYS_bpf, ...)} (glibc has
 * no bpf wrapper). Each builds its {@code union bpf_attr} in a zeroed block, as the kernel requires
 * every byte past the fields it knows to be zero. Control path only: every failure is an
 * {@link OsException} saying which command on what.
 */
final class Bpf {
    private static final long SYS_BPF = 321; // x86-64
    private static final int BPF_MAP_CREATE = 0, BPF_MAP_UPDATE_ELEM = 2, BPF_MAP_DELETE_ELEM = 3, BPF_PROG_LOAD = 5,
            BPF_PROG_GET_FD_BY_ID = 13, BPF_OBJ_GET_INFO_BY_FD = 15, BPF_LINK_CREATE = 28;
    static final int BPF_MAP_TYPE_XSKMAP = 17;
    static final int BPF_PROG_TYPE_XDP = 6;
    static final int BPF_XDP = 37; // attach type
    private static final int ATTR_SIZE = 128; // covers every field we set; the rest stays zero
    private static final int PROG_INFO_SIZE = 96; // struct bpf_prog_info up to and including name[16]
    private static final int OBJ_NAME_LEN = 16;
    private static final int LOG_SIZE = 64 * 1024;

    private static final MethodHandle SYSCALL;
    private static final VarHandle ERRNO;

    static {
        Linker linker = Linker.nativeLinker();
        MemorySegment sym = linker.defaultLookup().find("syscall").orElseThrow(() -> new UnsatisfiedLinkError("libc has no syscall"));
        SYSCALL = linker.downcallHandle(sym, FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
        ERRNO = Linker.Option.captureStateLayout().varHandle(MemoryLayout.PathElement.groupElement("errno"));
    }

    private Bpf() {}

    private static int call(int cmd, MemorySegment attr, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Linker.Option.captureStateLayout());
            long r = (long) SYSCALL.invokeExact(state, SYS_BPF, cmd, attr, (int) attr.byteSize());
            if (r < 0) {
                throw new OsException("bpf", (int) ERRNO.get(state, 0L), what);
            }
            return (int) r;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("bpf downcall failed", t);
        }
    }

    private static void putName(MemorySegment attr, long at, String name) {
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(b, 0, attr, ValueLayout.JAVA_BYTE, at, Math.min(b.length, OBJ_NAME_LEN - 1));
    }

    /** An XSKMAP of {@code entries} slots (key: queue id, value: XSK fd), named for bpftool. */
    static int createXskMap(int entries, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(ATTR_SIZE);
            attr.set(JAVA_INT, 0, BPF_MAP_TYPE_XSKMAP);
            attr.set(JAVA_INT, 4, 4);
            attr.set(JAVA_INT, 8, 4);
            attr.set(JAVA_INT, 12, entries);
            putName(attr, 28, name);
            return call(BPF_MAP_CREATE, attr, "BPF_MAP_CREATE XSKMAP entries=" + entries);
        }
    }

    /** Puts {@code value} (an XSK fd) at int key {@code key}. */
    static void updateMap(int mapFd, int key, int value, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment k = a.allocateFrom(JAVA_INT, key);
            MemorySegment v = a.allocateFrom(JAVA_INT, value);
            MemorySegment attr = a.allocate(ATTR_SIZE);
            attr.set(JAVA_INT, 0, mapFd);
            attr.set(JAVA_LONG, 8, k.address());
            attr.set(JAVA_LONG, 16, v.address());
            call(BPF_MAP_UPDATE_ELEM, attr, "BPF_MAP_UPDATE_ELEM " + what);
        }
    }

    static void deleteFromMap(int mapFd, int key, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment k = a.allocateFrom(JAVA_INT, key);
            MemorySegment attr = a.allocate(ATTR_SIZE);
            attr.set(JAVA_INT, 0, mapFd);
            attr.set(JAVA_LONG, 8, k.address());
            call(BPF_MAP_DELETE_ELEM, attr, "BPF_MAP_DELETE_ELEM " + what);
        }
    }

    /**
     * Loads an XDP program. When the verifier refuses it, the exception carries the verifier's log,
     * which is the only place that says why.
     */
    static int loadXdpProgram(long[] insns, String license, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment code = a.allocate(JAVA_LONG, insns.length);
            MemorySegment.copy(insns, 0, code, JAVA_LONG, 0, insns.length);
            MemorySegment lic = a.allocateFrom(license);
            MemorySegment log = a.allocate(LOG_SIZE);
            MemorySegment attr = a.allocate(ATTR_SIZE);
            attr.set(JAVA_INT, 0, BPF_PROG_TYPE_XDP);
            attr.set(JAVA_INT, 4, insns.length);
            attr.set(JAVA_LONG, 8, code.address());
            attr.set(JAVA_LONG, 16, lic.address());
            putName(attr, 48, name);
            attr.set(JAVA_INT, 68, BPF_XDP); // expected_attach_type
            try {
                return call(BPF_PROG_LOAD, attr, "BPF_PROG_LOAD XDP program " + name);
            } catch (OsException e) {
                // load again with the log on, only to learn why (a log-less first try is the cheap common path)
                attr.set(JAVA_INT, 24, 1);
                attr.set(JAVA_INT, 28, LOG_SIZE);
                attr.set(JAVA_LONG, 32, log.address());
                try {
                    return call(BPF_PROG_LOAD, attr, "BPF_PROG_LOAD XDP program " + name);
                } catch (OsException again) {
                    throw new OsException("bpf", again.errno(), "BPF_PROG_LOAD XDP program " + name + ", verifier log: "
                            + log.getString(0).strip());
                }
            }
        }
    }

    /**
     * Attaches {@code progFd} to interface {@code ifindex} through a BPF link: the attachment lives
     * exactly as long as the link fd, so it goes away with our process however that ends.
     */
    static int linkXdp(int progFd, int ifindex, int flags, String ifname) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(ATTR_SIZE);
            attr.set(JAVA_INT, 0, progFd);
            attr.set(JAVA_INT, 4, ifindex);
            attr.set(JAVA_INT, 8, BPF_XDP);
            attr.set(JAVA_INT, 12, flags);
            return call(BPF_LINK_CREATE, attr, "BPF_LINK_CREATE XDP interface=" + ifname + " flags=" + flags);
        }
    }

    /** The name of the loaded program with id {@code progId}, or "" when it cannot be read (it went away, or no CAP_SYS_ADMIN). */
    static String programName(int progId) {
        int fd;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(ATTR_SIZE);
            attr.set(JAVA_INT, 0, progId);
            fd = call(BPF_PROG_GET_FD_BY_ID, attr, "BPF_PROG_GET_FD_BY_ID id=" + progId);
        } catch (OsException e) {
            return "";
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(PROG_INFO_SIZE);
            MemorySegment attr = a.allocate(ATTR_SIZE);
            attr.set(JAVA_INT, 0, fd);
            attr.set(JAVA_INT, 4, PROG_INFO_SIZE);
            attr.set(JAVA_LONG, 8, info.address());
            call(BPF_OBJ_GET_INFO_BY_FD, attr, "BPF_OBJ_GET_INFO_BY_FD prog id=" + progId);
            return info.asSlice(64, OBJ_NAME_LEN).getString(0);
        } catch (OsException e) {
            return "";
        } finally {
            io.wirespeed.core.os.Libc.close(fd);
        }
    }

    static boolean isBusy(OsException e) {
        return e.errno() == Errno.EBUSY || e.errno() == Errno.EEXIST;
    }
}
