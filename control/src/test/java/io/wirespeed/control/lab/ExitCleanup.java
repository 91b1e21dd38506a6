package io.wirespeed.control.lab;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fixtures still open when the test JVM exits (nginx, captures, decapsulators): closed by a shutdown
 * hook, as {@link Lab} does for its namespaces, so an aborted run leaves no server or temp dir behind.
 */
final class ExitCleanup {
    private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable fixture : OPEN) {
                try {
                    fixture.close();
                } catch (Throwable ignored) {
                    // best effort while the JVM exits
                }
            }
        }, "lb-fixture-cleanup"));
    }

    private ExitCleanup() {}

    static void register(AutoCloseable fixture) {
        OPEN.add(fixture);
    }

    static void unregister(AutoCloseable fixture) {
        OPEN.remove(fixture);
    }
}
