package io.wirespeed.control.capture;

import io.wirespeed.net.capture.PacketFilter;
import io.wirespeed.net.capture.Sampler;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a capture or a sampling rule asks of the data path, already validated: the port (or
 * {@link io.wirespeed.net.capture.TapRule#ANY_PORT}), the filters at rx and tx (null: that side is
 * not watched), which matches to keep, how many at most, how many bytes of each, and where copies go:
 * a pcap file, or a mirror port ({@code file} null).
 *
 * @param describe what {@code list} shows about the rule besides its counters
 */
record TapSpec(TapSession.Kind kind, int port, PacketFilter rx, PacketFilter tx, Sampler sampler, long limit,
               int snapLength, Path file, int mirrorPort, Map<String, Object> describe) {}
