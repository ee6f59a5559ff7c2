package net.jclat.xlat;

import java.nio.ByteBuffer;

/**
 * RFC 4884 §4.1 layout of a translated ICMP error that carries an extension structure: the quoted
 * datagram is zero-padded to the family's word size (4 bytes for ICMPv4, 8 for ICMPv6) and to at least
 * 128 bytes, then the extension follows; the length field counts the padded datagram in words. RFC 7915
 * §4.2: what does not fit in the message is simply truncated.
 */
final class IcmpExtensionLayout {
    private IcmpExtensionLayout() {
    }

    /** Bytes of padded datagram for {@code datagram} quoted bytes, in a body of at most {@code room}. */
    static int padded(int datagram, int room, int word) {
        return Math.min(Math.max(128, (datagram + word - 1) & -word), room & -word);
    }

    /**
     * Pads the datagram already written at {@code s[at..at+datagram)} and appends the extension from
     * {@code src[ext..ext+extension)}; returns the body length.
     */
    static int layOut(ByteBuffer s, int at, int datagram, ByteBuffer src, int ext, int extension, int room,
            int word) {
        int padded = padded(datagram, room, word);
        for (int i = at + datagram; i < at + padded; i++) {
            s.put(i, (byte) 0);
        }
        int kept = Math.max(0, Math.min(extension, room - padded));
        s.put(at + padded, src, ext, kept);
        return padded + kept;
    }
}
