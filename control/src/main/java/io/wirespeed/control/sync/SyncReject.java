package io.wirespeed.control.sync;

import java.util.Locale;

/** Why a received sync datagram was not used; each reason has a counter and is logged when it starts. */
public enum SyncReject {
    /** From an address and port that is not a configured peer. */
    UNKNOWN_PEER,
    /** Shorter than a header. */
    TOO_SHORT,
    /** Not a Wirespeed sync datagram. */
    BAD_MAGIC,
    /** A protocol version this node does not speak. */
    BAD_VERSION,
    /** Record count zero, above the maximum, or not matching the datagram's length. */
    BAD_LENGTH,
    /** A record with fields out of range: the whole datagram is refused (its sender is broken). */
    BAD_RECORD,
    /** Carries this node's own id: a loop or two nodes configured with one id. */
    OWN_NODE_ID,
    /** A sequence number already seen from this sender (duplicate or late): older than what was applied. */
    OLD_SEQUENCE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
