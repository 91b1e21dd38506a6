package io.wirespeed.lb.sched;

/** Which fields of a flow a hashing scheduler hashes. */
enum HashKey {
    SOURCE_ADDRESS,
    /** sh-port / mh-port: source address and port, so one client's connections spread out. */
    SOURCE_ADDRESS_PORT,
    DESTINATION_ADDRESS,
    FIVE_TUPLE;

    long hash(FlowInput in) {
        return switch (this) {
            case SOURCE_ADDRESS -> FlowHash.sourceAddress(in);
            case SOURCE_ADDRESS_PORT -> FlowHash.sourceAddressPort(in);
            case DESTINATION_ADDRESS -> FlowHash.destinationAddress(in);
            case FIVE_TUPLE -> FlowHash.fiveTuple(in);
        };
    }
}
