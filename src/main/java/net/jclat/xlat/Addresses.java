package net.jclat.xlat;

import java.nio.ByteBuffer;

/**
 * Text and buffer forms of IPv4/IPv6 addresses. Parsing is done by hand rather than with
 * {@code InetAddress} so that a hostname is never resolved by accident and errors name the input.
 */
public final class Addresses {
    private Addresses() {
    }

    public static int parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        }
        int value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            value = value << 8 | octet;
        }
        return value;
    }

    /** Returns {hi, lo}. Accepts {@code ::} compression and a trailing dotted quad. */
    public static long[] parseIpv6(String text) {
        String bad = "not an IPv6 address: '" + text + "'";
        String body = text;
        int[] groups = new int[8];
        int count = 0;
        int dq = body.lastIndexOf(':');
        boolean dotted = dq >= 0 && body.indexOf('.', dq) > dq;
        String tail = null;
        if (dotted) {
            tail = body.substring(dq + 1);
            body = body.substring(0, dq + 1) + "0:0";
        }
        int gap = body.indexOf("::");
        if (gap >= 0 && body.indexOf("::", gap + 1) >= 0) {
            throw new IllegalArgumentException(bad);
        }
        String head = gap >= 0 ? body.substring(0, gap) : body;
        String rest = gap >= 0 ? body.substring(gap + 2) : "";
        int[] h = hexGroups(head, bad);
        int[] r = hexGroups(rest, bad);
        if (gap < 0 ? h.length != 8 : h.length + r.length > 7) {
            throw new IllegalArgumentException(bad);
        }
        for (int g : h) {
            groups[count++] = g;
        }
        count = 8 - r.length;
        for (int g : r) {
            groups[count++] = g;
        }
        if (dotted) {
            int v4 = parseIpv4(tail);
            groups[6] = v4 >>> 16;
            groups[7] = v4 & 0xFFFF;
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++) {
            hi = hi << 16 | groups[i];
            lo = lo << 16 | groups[i + 4];
        }
        return new long[] {hi, lo};
    }

    private static int[] hexGroups(String s, String bad) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            // ASCII hex only: parseInt would also take a sign or non-ASCII digits.
            if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(c -> c >= '0' && c <= '9'
                    || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                throw new IllegalArgumentException(bad);
            }
            try {
                out[i] = Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(bad);
            }
        }
        return out;
    }

    static int parseLength(String text, int max, String whole) {
        if (!text.isEmpty() && text.length() <= 3 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int n = Integer.parseInt(text);
            if (n <= max) {
                return n;
            }
        }
        throw new IllegalArgumentException("bad prefix length in '" + whole + "' (must be 0.." + max + ")");
    }

    public static String formatIpv4(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF);
    }

    /** RFC 5952 text: lower case, longest run of two or more zero groups compressed. */
    public static String formatIpv6(long hi, long lo) {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    public static String formatIpv6(ByteBuffer buf, int off) {
        return formatIpv6(buf.getLong(off), buf.getLong(off + 8));
    }
}
