package io.wirespeed.net.capture;

import java.lang.foreign.MemorySegment;

/**
 * A compiled capture filter (a subset of tcpdump's pcap-filter syntax, see {@link FilterParser}):
 * immutable, shareable between workers, and allocation-free to evaluate. The caller decodes each
 * frame once into its own {@link FrameFields} and asks any number of filters about it.
 */
public final class PacketFilter {
    /** The empty filter: every frame. */
    public static final PacketFilter ANY = new PacketFilter("", null);

    private final String text;
    private final FilterNode root;

    private PacketFilter(String text, FilterNode root) {
        this.text = text;
        this.root = root;
    }

    /**
     * Compiles {@code filter}; blank text is {@link #ANY}.
     *
     * @throws FilterSyntaxException naming the problem and its column
     */
    public static PacketFilter compile(String filter) {
        if (filter == null || filter.isBlank()) {
            return ANY;
        }
        return new PacketFilter(filter.strip(), FilterParser.parse(filter));
    }

    /** Whether the frame decoded into {@code f} passes. */
    public boolean matches(FrameFields f) {
        return root == null || root.matches(f);
    }

    /** Decodes the frame into {@code scratch} and tests it: a shorthand for a single filter. */
    public boolean matches(FrameFields scratch, MemorySegment m, long frame, int length) {
        scratch.decode(m, frame, length);
        return matches(scratch);
    }

    /** The filter as the user wrote it. */
    public String text() { return text; }

    /** The parse with every {@code and}/{@code or} parenthesised: what the filter really means. */
    public String canonical() { return root == null ? "" : root.toString(); }

    @Override
    public String toString() { return text; }
}
