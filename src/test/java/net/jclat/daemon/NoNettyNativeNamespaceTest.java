package net.jclat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jclat.control.ControlClient;
import net.jclat.control.ControlServer;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real daemon on a system where Netty's native library cannot load, as on OpenWrt's musl without a
 * musl build of it. Netty is told so with its own switch ({@code -Dio.netty.transport.noNative=true}, which
 * makes {@code Epoll.isAvailable()} false exactly as a failed load does): {@code tun-io auto} must then move
 * packets through the JDK's FileChannel and serve the control socket with the JDK's AF_UNIX channels.
 */
class NoNettyNativeNamespaceTest {
    private static final String NO_NATIVE = "-Dio.netty.transport.noNative=true";
    private CpeLab lab;

    @BeforeEach
    void build() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        lab = CpeLab.build().jvmOptions(NO_NATIVE);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void autoFallsBackToFileChannelAndTheJdkControlSocketAndTranslatesPingAndA4000ByteDatagram() throws Exception {
        lab.startDaemon(List.of("--pref64", "2001:db8:64::/96", "--clat-v6", "2001:db8:100::c"));
        lab.awaitStatus("\"state\":\"running\"", 15);
        assertTrue(lab.statusJson().contains("\"tun_io\":\"filechannel\""), lab.statusJson());
        assertTrue(lab.log().contains("TUN I/O: the JDK's FileChannel, because Netty's epoll native library is not"
                + " available"), lab.log());
        assertTrue(lab.log().contains("served by the JDK's AF_UNIX channels"), lab.log());

        Netns.Result ping = lab.lanPing();
        assertEquals(0, ping.code(), ping.output() + lab.log());

        lab.assertLargeUdpDatagramEchoes();

        ControlServer.Reply status = ControlClient.ask(lab.controlSocket(), "status");
        assertEquals(0, status.code(), status.body());
        assertTrue(status.body().contains("TUN I/O:         filechannel"), status.body());
        assertTrue(status.body().matches("(?s).*IPv4 -> IPv6: +[1-9][0-9]* packets in.*"), status.body());
        lab.stopDaemon();
    }

    @Test
    void forcingNettyWithoutItsNativeLibraryIsAClearStartErrorNotACrash() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.cpe));
        List<String> java = CpeLab.jclat("run", "--uplink", "wan0", "--pref64", "2001:db8:64::/96",
                "--status-file", lab.status.toString(), "--control-socket", lab.controlSocket().toString(),
                "--tun-io", "netty");
        java.add(1, NO_NATIVE);
        cmd.addAll(java);
        Netns.Result r = Netns.exec(30, cmd.toArray(new String[0]));
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("cannot start: tun-io netty: Netty's epoll native library cannot be used here"
                + " (Native transport was explicit"), r.output()); // Netty's own words follow: "explicit(ly) disabled"
        assertTrue(r.output().contains("noNative=true); use tun-io filechannel or auto"), r.output());
        assertTrue(Netns.in(lab.cpe, 5, "ip", "link", "show", "clat").code() != 0, "no TUN left behind");
    }
}
