package io.wirespeed.drivers.pcap;

import java.io.IOException;
import java.nio.file.Path;

/** A capture file that is not a well-formed classic pcap file; the message names the file and record. */
public final class PcapFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Path file;
    private final long record;

    /**
     * @param record 1-based record (frame) number as Wireshark counts them, or 0 for the file header
     */
    PcapFormatException(Path file, long record, String problem) {
        super(file + (record == 0 ? " (file header)" : " record " + record) + ": " + problem);
        this.file = file;
        this.record = record;
    }

    public Path file() { return file; }

    /** The 1-based record number where the problem was found, 0 for the file header. */
    public long record() { return record; }
}
