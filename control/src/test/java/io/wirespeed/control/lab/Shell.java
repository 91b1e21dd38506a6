package io.wirespeed.control.lab;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs external commands for the end-to-end tests. Every run is bounded in time and a command that
 * overstays is killed with its children: a hung ping or iperf3 must fail one test, not stall CI.
 */
public final class Shell {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** How long the output readers may lag behind the exit (a grandchild holding the pipe). */
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(5);

    private Shell() {}

    public static CommandResult run(Duration timeout, String... command) {
        return run(timeout, Map.of(), List.of(command));
    }

    /** Runs COMMAND with ENV added to this JVM's environment; stdin is empty. */
    public static CommandResult run(Duration timeout, Map<String, String> env, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(new File("/dev/null"));
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return fail("cannot start `" + String.join(" ", command) + "`: " + e.getMessage());
        }
        FutureTask<String> stdout = collect(process.getInputStream());
        FutureTask<String> stderr = collect(process.getErrorStream());
        boolean exited;
        try {
            exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (!exited) {
            killTree(process);
            return fail("`" + String.join(" ", command) + "` did not finish within " + timeout.toMillis()
                    + " ms and was killed\n--- stdout:\n" + output(stdout) + "\n--- stderr:\n" + output(stderr));
        }
        return new CommandResult(List.copyOf(command), process.exitValue(), output(stdout), output(stderr));
    }

    /** Kills a process and everything it started, and waits until it is gone. */
    static void killTree(Process process) {
        // Listed before the parent dies: orphans are re-parented and no longer show as descendants.
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(OUTPUT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                // SIGKILL cannot be refused; only an uninterruptible sleep in the kernel delays it.
            }
        }
    }

    // Both pipes are drained while the command runs: one that fills its pipe buffer would block.
    private static FutureTask<String> collect(InputStream stream) {
        FutureTask<String> task = new FutureTask<>(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), UTF_8);
            }
        });
        Thread.ofVirtual().name("shell-output").start(task);
        return task;
    }

    private static String output(FutureTask<String> task) {
        try {
            return task.get(OUTPUT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted while reading output)";
        } catch (ExecutionException | TimeoutException e) {
            task.cancel(true);
            return "(output unavailable: " + e + ")";
        }
    }
}
