package net.jclat.log;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Sends each line to a syslog receiver in one UDP datagram, byte for byte what tinylog's syslog writer sent
 * for jclat's settings (facility daemon, format "jclat: {message}"): {@code <PRI>: jclat: MESSAGE\n}, UTF-8.
 * PRI is RFC 5424 section 6.2.1 (facility times 8 plus severity; the same in RFC 3164 section 4.1.1); the
 * transport is RFC 5426 (one message per datagram). What follows PRI is not RFC 5424's HEADER (no VERSION,
 * TIMESTAMP or HOSTNAME): tinylog never sent one, and receivers (rsyslog, OpenWrt's logd) take such a
 * message as a legacy one and stamp it on arrival. A receiver that is down costs nothing: UDP, no retry.
 */
final class SyslogSender implements AutoCloseable {
    /** RFC 5424 section 6.2.1, table 1: "3 system daemons". */
    static final int FACILITY_DAEMON = 3;

    private final DatagramSocket socket;
    private final InetSocketAddress to;

    SyslogSender(InetSocketAddress to) throws IOException {
        this.to = to;
        this.socket = new DatagramSocket();
    }

    static byte[] datagram(Level level, String text) {
        int pri = FACILITY_DAEMON * 8 + level.syslogSeverity;
        return ("<" + pri + ">: jclat: " + text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    void send(Level level, String text) {
        byte[] b = datagram(level, text);
        try {
            socket.send(new DatagramPacket(b, b.length, to));
        } catch (IOException e) {
            // Unreachable or not yet resolvable receiver: the console still has the line.
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
