package net.jclat.discovery;

import com.sun.jna.LastErrorException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One TCP connection attempt out of one interface (SO_BINDTODEVICE), for PLAT probes of a CLAT that is one
 * of several on a host: each must probe its own provider's PLAT, out of its own uplink, whatever the host's
 * default route is (a fibre instance's probes must not leave through the LTE uplink, where that provider's
 * network does not route the fibre provider's NAT64 prefix). The JDK's sockets cannot bind to a device, so
 * this is libc through JNA: control plane only, one call per probe.
 */
final class UplinkTcpConnect {
    private UplinkTcpConnect() {
    }

    /**
     * Whether {@code address}:{@code port} answers through {@code device} within {@code timeoutMillis}:
     * accepted or refused (a TCP RST is an answer from the far side too); false on silence or unreachable.
     */
    static boolean answers(String device, byte[] address, int port, int timeoutMillis) {
        int fd;
        try {
            fd = SocketLibC.socket(SocketLibC.AF_INET6,
                    SocketLibC.SOCK_STREAM | SocketLibC.SOCK_NONBLOCK | SocketLibC.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            return false;
        }
        try {
            byte[] dev = (device + "\0").getBytes(StandardCharsets.US_ASCII);
            SocketLibC.setsockopt(fd, SocketLibC.SOL_SOCKET, SocketLibC.SO_BINDTODEVICE, dev, dev.length);
            byte[] sa = sockaddrIn6(address, port);
            try {
                SocketLibC.connect(fd, sa, sa.length);
                return true;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == SocketLibC.ECONNREFUSED) {
                    return true;
                }
                if (e.getErrorCode() != SocketLibC.EINPROGRESS) {
                    return false;
                }
            }
            byte[] pollfd = new byte[8];
            ByteBuffer.wrap(pollfd).order(ByteOrder.nativeOrder()).putInt(0, fd).putShort(4, SocketLibC.POLLOUT);
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
                try {
                    if (SocketLibC.poll(pollfd, 1, left) > 0) {
                        break;
                    }
                    return false; // timed out
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != SocketLibC.EINTR || left == 0) {
                        return false;
                    }
                }
            }
            byte[] err = new byte[4];
            SocketLibC.getsockopt(fd, SocketLibC.SOL_SOCKET, SocketLibC.SO_ERROR, err, new int[] {4});
            int code = ByteBuffer.wrap(err).order(ByteOrder.nativeOrder()).getInt();
            return code == 0 || code == SocketLibC.ECONNREFUSED;
        } catch (LastErrorException e) {
            return false; // e.g. the uplink is gone: no answer through it
        } finally {
            try {
                SocketLibC.close(fd);
            } catch (LastErrorException ignored) {
                // nothing to do about a failed close of a probe socket
            }
        }
    }

    /** {@code struct sockaddr_in6}: family, port (network order), flow info, address, scope id. */
    private static byte[] sockaddrIn6(byte[] address, int port) {
        ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
        b.putShort((short) SocketLibC.AF_INET6);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) port).putInt(0).put(address);
        b.order(ByteOrder.nativeOrder()).putInt(0);
        return b.array();
    }
}
