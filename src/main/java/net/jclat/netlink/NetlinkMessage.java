package net.jclat.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds one netlink request: {@code nlmsghdr}, a fixed family header, then route attributes
 * (RFC 3549; linux/netlink.h, linux/rtnetlink.h). Host byte order, 4-byte alignment.
 */
final class NetlinkMessage {
    static final short NLM_F_REQUEST = 0x01;
    static final short NLM_F_ACK = 0x04;
    static final short NLM_F_EXCL = 0x200;
    static final short NLM_F_CREATE = 0x400;
    static final short NLM_F_REPLACE = 0x100;
    /** NLM_F_ROOT | NLM_F_MATCH: return every object of the kind. */
    static final short NLM_F_DUMP = 0x300;

    private final ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
    private int nestStart = -1;

    NetlinkMessage(int type, int flags) {
        b.putInt(0); // length, filled in by bytes()
        b.putShort((short) type);
        b.putShort((short) (flags | NLM_F_REQUEST | NLM_F_ACK));
        b.putInt(0); // sequence, set by the socket
        b.putInt(0); // port id: the kernel fills it in
    }

    NetlinkMessage u8(int v) {
        b.put((byte) v);
        return this;
    }

    NetlinkMessage u16(int v) {
        b.putShort((short) v);
        return this;
    }

    NetlinkMessage u32(int v) {
        b.putInt(v);
        return this;
    }

    NetlinkMessage attr(int type, byte[] value) {
        int len = 4 + value.length;
        b.putShort((short) len).putShort((short) type).put(value);
        pad();
        return this;
    }

    NetlinkMessage attrU32(int type, int value) {
        b.putShort((short) 8).putShort((short) type).putInt(value);
        return this;
    }

    NetlinkMessage beginNested(int type) {
        nestStart = b.position();
        b.putShort((short) 0).putShort((short) type);
        return this;
    }

    NetlinkMessage endNested() {
        b.putShort(nestStart, (short) (b.position() - nestStart));
        nestStart = -1;
        return this;
    }

    private void pad() {
        while ((b.position() & 3) != 0) {
            b.put((byte) 0);
        }
    }

    byte[] bytes(int seq) {
        pad();
        b.putInt(0, b.position());
        b.putInt(8, seq);
        byte[] out = new byte[b.position()];
        b.get(0, out);
        return out;
    }
}
