package io.wirespeed.core.stats;

/**
 * Why a packet was dropped, registered once per stage through {@link DropReasons#register}. The id
 * indexes every worker's {@link Counters}; stage and name are what {@code wsctl stats drops} prints.
 */
public record DropReason(int id, String stage, String name) {
    @Override
    public String toString() { return stage + "/" + name; }
}
