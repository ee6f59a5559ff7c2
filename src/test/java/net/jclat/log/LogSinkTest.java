package net.jclat.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.TimeZone;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Console lines, the level threshold, syslog datagrams to a real loopback receiver, frozen settings. */
class LogSinkTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PrintStream console = new PrintStream(out, true, StandardCharsets.UTF_8);

    private String console() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void consoleLineBeforeAndAfterTheTag() {
        LogSink sink = new LogSink(console, TimeZone.getTimeZone("Asia/Kolkata"), Level.INFO);
        sink.write(Level.WARN, "untagged", null);
        assertTrue(Pattern.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d WARN untagged\n", console()), console());
        LogSink tagged = new LogSink(console, TimeZone.getTimeZone("UTC"), Level.INFO);
        tagged.tagConsole("wan6");
        out.reset();
        tagged.write(Level.INFO, "stopping: removing what jclat added", null);
        assertTrue(Pattern.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d jclat\\[wan6] INFO stopping: removing what "
                + "jclat added\n", console()), console());
    }

    @Test
    void levelThresholdFiltersTheConsole() {
        LogSink info = new LogSink(console, TimeZone.getTimeZone("UTC"), Level.INFO);
        assertFalse(info.enabled(Level.DEBUG));
        assertTrue(info.enabled(Level.ERROR));
        LogSink debug = new LogSink(console, TimeZone.getTimeZone("UTC"), Level.DEBUG);
        debug.write(Level.DEBUG, "JIT warm-up: 3 rounds", null);
        debug.write(Level.TRACE, "not shown", null);
        assertTrue(console().endsWith(" DEBUG JIT warm-up: 3 rounds\n"), console());
        assertFalse(console().contains("not shown"));
        LogSink error = new LogSink(console, TimeZone.getTimeZone("UTC"), Level.ERROR);
        out.reset();
        error.write(Level.WARN, "hidden", null);
        assertEquals("", console());
    }

    @Test
    void syslogGetsInfoAndAboveAsTinylogSentThem() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            receiver.setSoTimeout(2000);
            LogSink sink = new LogSink(console, TimeZone.getTimeZone("UTC"), Level.DEBUG);
            sink.tagConsole("clat");
            sink.sendToSyslog(new InetSocketAddress(InetAddress.getLoopbackAddress(), receiver.getLocalPort()));
            assertTrue(sink.enabled(Level.INFO));
            sink.write(Level.DEBUG, "debug stays local", null);
            sink.write(Level.INFO, "translating on clat", null);
            sink.write(Level.WARN, "w x", null);
            sink.write(Level.ERROR, "multi\nline é", null);
            // Bytes as tinylog 2.7 sent them for writer2 = syslog, facility DAEMON, format "jclat: {message}".
            assertEquals("<30>: jclat: translating on clat\n", receive(receiver));
            assertEquals("<28>: jclat: w x\n", receive(receiver));
            assertEquals("<27>: jclat: multi\nline é\n", receive(receiver));
            assertThrows(SocketTimeoutException.class, () -> {
                receiver.setSoTimeout(300);
                receive(receiver);
            }, "debug is not sent");
            assertTrue(console().contains(" jclat[clat] DEBUG debug stays local\n"), console());
        }
    }

    private static String receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
        s.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }

    @Test
    void settingsAreFixedByTheFirstLineAndByShutDown() {
        LogSink started = new LogSink(console, TimeZone.getTimeZone("UTC"), Level.INFO);
        started.write(Level.INFO, "first", null);
        assertThrows(UnsupportedOperationException.class, () -> started.tagConsole("late"));
        LogSink shut = new LogSink(console, TimeZone.getTimeZone("UTC"), Level.INFO);
        shut.shutDown();
        assertThrows(UnsupportedOperationException.class, () -> shut.tagConsole("late"));
        out.reset();
        shut.write(Level.ERROR, "after the end", null);
        assertEquals("", console(), "lines after shutDown are dropped");
    }
}
