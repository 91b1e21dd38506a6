package io.wirespeed.control.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.conn.ConnTableFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Where a daemon keeps its connection tables (named after its control socket), and their removal after a kill. */
class TableFilesTest {
    @Test
    void filesAreNamedAfterTheControlSocketAndRemovedTogether() throws Exception {
        String name = "tft-" + ProcessHandle.current().pid();
        Path socket = Path.of("/run/wirespeed/" + name + ".sock");
        Path other = Path.of("/run/wirespeed/" + name + "x.sock");
        assertEquals(Path.of("/dev/shm/wirespeed-" + name + "-worker1"), DataPlane.tableFilePath(socket, 1));
        assertEquals(Path.of("/dev/shm/wirespeed-_odd_name-worker0"), DataPlane.tableFilePath(Path.of("/x/.odd name.sock"), 0));
        ConnTableFile.create(DataPlane.tableFilePath(socket, 0), 16, 1, 2).close();
        ConnTableFile.create(DataPlane.tableFilePath(socket, 1), 16, 1, 2).close();
        Path neighbour = DataPlane.tableFilePath(other, 0);
        ConnTableFile.create(neighbour, 16, 1, 2).close();
        try {
            assertEquals(2, DataPlane.deleteTableFiles(socket));
            assertFalse(Files.exists(DataPlane.tableFilePath(socket, 0)));
            assertTrue(Files.exists(neighbour), "another daemon's files stay");
            assertEquals(0, DataPlane.deleteTableFiles(socket));
        } finally {
            Files.deleteIfExists(neighbour);
        }
    }
}
