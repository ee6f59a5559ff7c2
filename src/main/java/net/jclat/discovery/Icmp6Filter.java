package net.jclat.discovery;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Linux {@code struct icmp6_filter} for the {@code ICMP6_FILTER} socket option: 256 bits in eight
 * native-endian 32-bit words, where a set bit blocks the type (the opposite of what the RFC 3542 macros'
 * names suggest). Shared by the RA listener and the IPv6-mostly LAN's Router Solicitation listener.
 */
public final class Icmp6Filter {
    private Icmp6Filter() {
    }

    /** All ICMPv6 types blocked but {@code passTypes}. */
    public static byte[] passing(int... passTypes) {
        int[] words = new int[8];
        Arrays.fill(words, -1);
        for (int t : passTypes) {
            words[t >>> 5] &= ~(1 << (t & 31));
        }
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }
}
