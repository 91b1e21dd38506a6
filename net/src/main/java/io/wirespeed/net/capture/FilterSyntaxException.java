package io.wirespeed.net.capture;

/** A capture filter that does not parse; {@link #position()} is the 1-based column of the offending token. */
public final class FilterSyntaxException extends IllegalArgumentException {
    private final int position;

    FilterSyntaxException(String filter, int position, String problem) {
        super("filter \"" + filter + "\": " + problem + " at position " + position);
        this.position = position;
    }

    public int position() { return position; }
}
