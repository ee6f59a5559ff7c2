package net.jclat.discovery;

import java.util.Locale;

/** Where a NAT64 prefix came from: configuration, a Router Advertisement (RFC 8781) or DNS (RFC 7050). */
public enum PrefixSource {
    STATIC, RA, DNS;

    /** Lower-case name, as shown in status output and logs. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
