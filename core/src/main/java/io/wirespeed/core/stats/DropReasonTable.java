package io.wirespeed.core.stats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The registry behind {@link DropReasons}, an instance so that its limits can be tested alone. */
final class DropReasonTable {
    private final int max;
    private final Map<String, DropReason> byKey = new HashMap<>();
    /** Republished on every registration: readers get a consistent list without the lock. */
    private volatile List<DropReason> all = List.of();

    DropReasonTable(int max) {
        this.max = max;
    }

    synchronized DropReason register(String stage, String name) {
        requireWord("stage", stage);
        requireWord("name", name);
        String key = stage + "/" + name;
        DropReason known = byKey.get(key);
        if (known != null) {
            return known;
        }
        List<DropReason> current = all;
        if (current.size() == max) {
            throw new IllegalStateException("cannot register drop reason " + key + ": all " + max + " ids are taken");
        }
        DropReason reason = new DropReason(current.size(), stage, name);
        byKey.put(key, reason);
        List<DropReason> grown = new ArrayList<>(current);
        grown.add(reason);
        all = List.copyOf(grown);
        return reason;
    }

    List<DropReason> all() { return all; }

    DropReason byId(int id) {
        List<DropReason> current = all;
        if (id < 0 || id >= current.size()) {
            throw new IllegalArgumentException("no drop reason with id " + id + " (" + current.size() + " registered)");
        }
        return current.get(id);
    }

    private static void requireWord(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("drop reason " + what + " must not be empty, got "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        if (value.indexOf('/') >= 0 || !value.strip().equals(value)) {
            throw new IllegalArgumentException("drop reason " + what + " '" + value
                    + "' must not contain '/' or surrounding spaces");
        }
    }
}
