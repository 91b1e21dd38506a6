package io.wirespeed.bench.gen;

import io.wirespeed.core.os.Libc;
import io.wirespeed.core.os.OsException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Moves the calling thread into a named network namespace (one made by {@code ip netns add}).
 * setns(2) with CLONE_NEWNET changes the namespace of the calling thread only, so one wsgen
 * process can send from one namespace and receive in another, each thread opening its sockets
 * where it stands. Sockets keep the namespace they were created in.
 */
final class Netns {
    private static final int CLONE_NEWNET = 0x4000_0000;
    private static final int O_RDONLY = 0;
    private static final MemoryLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SETNS = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("setns").orElseThrow(() -> new UnsatisfiedLinkError("libc has no setns")),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));

    /** Where {@code ip netns} keeps its namespaces (/var/run is a link to /run). */
    static final Path NETNS_DIR = Path.of("/run/netns");

    private Netns() {}

    /** Checks that namespace {@code name} exists, so a typo fails before any thread starts. */
    static void check(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("invalid network namespace name '" + name + "'");
        }
        if (!Files.exists(NETNS_DIR.resolve(name))) {
            throw new IllegalArgumentException("network namespace '" + name + "' does not exist (no " + NETNS_DIR.resolve(name)
                    + "; see `ip netns list`)");
        }
    }

    /**
     * Moves the calling thread into namespace {@code name}.
     *
     * @throws OsException naming the namespace, e.g. EPERM without CAP_SYS_ADMIN
     */
    static void enter(String name) {
        check(name);
        String path = NETNS_DIR.resolve(name).toString();
        int fd = Libc.open(path, O_RDONLY | Libc.O_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE_LAYOUT);
            int r = (int) SETNS.invokeExact(errno, fd, CLONE_NEWNET);
            if (r != 0) {
                throw new OsException("setns", (int) ERRNO.get(errno, 0L), path + ", CLONE_NEWNET");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setns into " + path + ": " + t, t);
        } finally {
            Libc.close(fd);
        }
    }
}
