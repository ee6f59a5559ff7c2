package net.jclat.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether an interface has a link-local address to send Neighbor Discovery from, as the kernel lists it in
 * {@code /proc/net/if_inet6} (one line per address: address, ifindex, prefix length, scope, flags, name,
 * all hex). A tentative address must not be used until DAD has passed (RFC 4862 §5.4); an optimistic one
 * may be (RFC 4429 §3.3); one that failed DAD never.
 */
final class LinkLocalAddress {
    private static final Path IF_INET6 = Path.of("/proc/net/if_inet6");
    static final int SCOPE_LINK = 0x20;
    static final int IFA_F_OPTIMISTIC = 0x04;
    static final int IFA_F_DADFAILED = 0x08;
    static final int IFA_F_TENTATIVE = 0x40;

    private LinkLocalAddress() {
    }

    /** True when {@code ifname} has a usable link-local address, or when that cannot be read (no IPv6). */
    static boolean usable(String ifname) {
        try {
            return usable(Files.readString(IF_INET6), ifname);
        } catch (IOException e) {
            return true; // cannot tell: let the kernel decide when sending
        }
    }

    /** The same for the text of {@code /proc/net/if_inet6}. */
    static boolean usable(String ifInet6, String ifname) {
        for (String line : ifInet6.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 6 || !f[5].equals(ifname)) {
                continue;
            }
            int scope;
            int flags;
            try {
                scope = Integer.parseInt(f[3], 16);
                flags = Integer.parseInt(f[4], 16);
            } catch (NumberFormatException e) {
                continue;
            }
            boolean dadDone = (flags & IFA_F_TENTATIVE) == 0 || (flags & IFA_F_OPTIMISTIC) != 0;
            if (scope == SCOPE_LINK && dadDone && (flags & IFA_F_DADFAILED) == 0) {
                return true;
            }
        }
        return false;
    }
}
