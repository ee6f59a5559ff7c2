package net.jclat.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jclat.testsupport.CpeLab;
import net.jclat.testsupport.Netns;

/**
 * The OpenWrt side of the netifd tests: a root whose {@code usr/} holds what an OpenWrt image has under
 * /lib and /usr/bin (the real {@code 464xlat.sh} and {@code jclat.script}, STAND-INS for netifd-proto.sh,
 * functions.sh and network.sh from src/test/resources/openwrt-standin, and a {@code /usr/bin/jclat} that
 * runs the test classpath), and the stand-in {@code netifd-run.sh}, which runs the handler as netifd does:
 * from /lib/netifd/proto, with that root laid over /usr in a mount namespace of its own.
 */
final class NetifdStandIn implements AutoCloseable {
    final Path root;
    final String iface;
    private final CpeLab lab;

    NetifdStandIn(CpeLab lab) throws IOException {
        this.lab = lab;
        iface = "x" + lab.net.suffix; // the TUN is 464-<iface>, within the 15 characters of a device name
        root = Files.createTempDirectory("jclat-openwrt");
        Path usr = root.resolve("usr");
        OpenWrtFiles.installStandIn(usr, "lib/functions.sh");
        OpenWrtFiles.installStandIn(usr, "lib/functions/network.sh");
        OpenWrtFiles.installStandIn(usr, "lib/netifd/netifd-proto.sh");
        OpenWrtFiles.installStandIn(root, "netifd-run.sh");
        OpenWrtFiles.install(OpenWrtFiles.PACKAGE_FILES.resolve("464xlat.sh"), usr.resolve("lib/netifd/proto/464xlat.sh"));
        OpenWrtFiles.install(OpenWrtFiles.PACKAGE_FILES.resolve("jclat.script"), usr.resolve("lib/netifd/jclat.script"));
        // /usr/bin/jclat: the jar on the test classpath; status file and socket in this test's root.
        OpenWrtFiles.writeExecutable(usr.resolve("bin/jclat"), "#!/bin/sh\nexec "
                + String.join(" ", CpeLab.jclat().stream().map(a -> "'" + a + "'").toList()) + " \"$@\""
                + " --status-file " + root.resolve("status.json") + " --control-socket " + root.resolve("ctl.sock")
                + "\n");
        Files.createDirectories(root.resolve("standin"));
        Files.writeString(root.resolve("standin/wan6"), "wan6");
        Files.writeString(root.resolve("standin/device.wan6"), "wan0");
    }

    /** Runs {@code ./464xlat.sh 464xlat ACTION IFACE DATA} in the CPE namespace, as netifd would. */
    Netns.Result handler(String action, String data, String error) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.cpe, "env", "PATH=" + System.getenv("PATH")));
        if (!error.isEmpty()) {
            cmd.add("ERROR=" + error); // netifd passes the command's exit status to teardown
        }
        cmd.addAll(List.of("sh", root.resolve("netifd-run.sh").toString(), root.toString(), "464xlat.sh", "464xlat",
                action));
        if (data != null) {
            cmd.addAll(List.of(iface, data));
        }
        Netns.Result r = Netns.exec(30, cmd.toArray(new String[0]));
        assertEquals(0, r.code(), action + ": " + r.output());
        return r;
    }

    String calls() throws IOException {
        return read("standin/calls");
    }

    /** What netifd would have logged: the handler's and jclat's output, each line "IFACE (PID): LINE". */
    String log() throws IOException {
        return read("standin/netifd.log");
    }

    String commandPid() throws IOException {
        return read("standin/command.pid").strip();
    }

    private String read(String file) throws IOException {
        Path f = root.resolve(file);
        return Files.exists(f) ? Files.readString(f) : "";
    }

    void awaitCalls(String needle, int times) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (count(calls(), needle) < times) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never " + times + "x '" + needle + "' in:\n" + calls() + "\n" + log());
            }
            Thread.sleep(100);
        }
    }

    void awaitExit() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!Files.exists(root.resolve("standin/command.exit"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("jclat did not exit: " + log());
            }
            Thread.sleep(100);
        }
    }

    String exitStatus() throws IOException {
        return read("standin/command.exit").strip();
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        if (Files.exists(root.resolve("standin/command.pid"))) {
            Netns.exec(5, "kill", "-KILL", commandPid());
        }
        Netns.run("rm", "-rf", root.toString());
    }
}
