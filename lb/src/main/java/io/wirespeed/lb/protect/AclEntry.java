package io.wirespeed.lb.protect;

/**
 * One entry of a black or white list: an address or prefix, or the name of an ipset
 * ({@code ipset:NAME}), which the list follows as the set changes.
 */
public record AclEntry(Prefix prefix, String setName) {
    static final String SET_PREFIX = "ipset:";

    public AclEntry {
        if ((prefix == null) == (setName == null)) {
            throw new IllegalArgumentException("an ACL entry is either a prefix or an ipset");
        }
    }

    /** {@code 198.18.0.2}, {@code 198.18.0.0/24}, {@code 2001:db8::/64} or {@code ipset:NAME}. */
    public static AclEntry parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("ACL entry is missing (expected IP, IP/LEN or ipset:NAME)");
        }
        if (text.startsWith(SET_PREFIX)) {
            String name = text.substring(SET_PREFIX.length());
            IpSet.checkName(name);
            return new AclEntry(null, name);
        }
        try {
            return new AclEntry(Prefix.parse(text), null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid ACL entry '" + text + "': " + e.getMessage()
                    + " (expected IP, IP/LEN or ipset:NAME)");
        }
    }

    public boolean isSet() {
        return setName != null;
    }

    @Override
    public String toString() {
        return isSet() ? SET_PREFIX + setName : prefix.toString();
    }
}
