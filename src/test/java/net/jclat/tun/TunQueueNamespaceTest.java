package net.jclat.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import net.jclat.testsupport.Netns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A TUN queue against the kernel, for each packet I/O path: an ICMP echo request written into the TUN is
 * answered by the kernel's own stack with an echo reply read back from it. DESIGN.md's hot-path rule holds
 * for the I/O as for the translator: once warm, a read and a write allocate nothing.
 */
class TunQueueNamespaceTest {
    private static final int ROUND_TRIPS = 20_000;

    /** IPv4 10.77.0.2 → 10.77.0.1, ICMP echo request id 0x4a43 seq 1, 56 bytes of data. */
    static byte[] echoRequest() {
        byte[] p = new byte[20 + 8 + 56];
        ByteBuffer b = ByteBuffer.wrap(p);
        b.put(0, (byte) 0x45).putShort(2, (short) p.length).put(8, (byte) 64).put(9, (byte) 1);
        b.put(12, new byte[] {10, 77, 0, 2}).put(16, new byte[] {10, 77, 0, 1});
        b.putShort(10, (short) checksum(p, 0, 20));
        b.put(20, (byte) 8).putShort(24, (short) 0x4a43).putShort(26, (short) 1);
        for (int i = 28; i < p.length; i++) {
            p[i] = (byte) i;
        }
        b.putShort(22, (short) checksum(p, 20, p.length - 20));
        return p;
    }

    /** RFC 1071 Internet checksum. */
    static int checksum(byte[] p, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len; i += 2) {
            sum += ((p[off + i] & 0xff) << 8) | (i + 1 < len ? p[off + i + 1] & 0xff : 0);
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) ~sum & 0xffff;
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    @ParameterizedTest(name = "tun-io {0}")
    @EnumSource(value = TunIo.class, names = {"NETTY", "FILECHANNEL"})
    void theKernelAnswersAnEchoWrittenIntoTheTunAndNeitherDirectionAllocates(TunIo io) throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        try (Netns net = new Netns()) {
            String ns = net.add("q");
            String name = "jcq" + net.suffix;
            try (TunDevice tun = TunDevice.open(name, 1, io, false)) {
                assertEquals(io, tun.io());
                if (io == TunIo.NETTY) {
                    // by address, not by ByteBuffer (a JNI address look-up per packet): a Netty without Unsafe
                    // access would still work, slower, and fail here
                    assertTrue(NettyQueueIo.byAddress(), "Netty's I/O takes the buffers' addresses");
                }
                Netns.run("ip", "link", "set", name, "netns", ns);
                Netns.run("ip", "-n", ns, "addr", "add", "10.77.0.1/24", "dev", name);
                Netns.run("ip", "-n", ns, "link", "set", name, "up");
                TunQueue q = tun.queues().get(0);
                byte[] request = echoRequest();
                ByteBuffer out = ByteBuffer.allocateDirect(2048);
                out.put(64, request);
                ByteBuffer in = ByteBuffer.allocateDirect(65600);
                in.limit(1000).position(7); // the I/O must leave a caller's position and limit as they were

                // Anything the kernel sends first (IPv6 router solicitations on link-up) is skipped.
                int n = roundTrip(q, out, request.length, in);
                assertEquals(request.length, n, "an echo reply as long as the request");
                assertEquals(0, in.get(64 + 20), "ICMP type 0, echo reply");
                assertEquals(0x0a4d0001, in.getInt(64 + 12), "from 10.77.0.1");
                assertEquals(0x0a4d0002, in.getInt(64 + 16), "to 10.77.0.2");
                assertEquals(7, in.position());
                assertEquals(1000, in.limit());

                for (int i = 0; i < ROUND_TRIPS; i++) { // warm up: let the JIT compile the loop
                    roundTrip(q, out, request.length, in);
                }
                // Up to three measurements, less what measuring costs: a late JIT event may allocate once.
                long allocated = -1;
                for (int attempt = 0; attempt < 3 && allocated != 0; attempt++) {
                    long before = allocatedBytes();
                    long overhead = allocatedBytes() - before;
                    long start = allocatedBytes();
                    long bytes = 0;
                    for (int i = 0; i < ROUND_TRIPS; i++) {
                        bytes += roundTrip(q, out, request.length, in);
                    }
                    allocated = allocatedBytes() - start - overhead;
                    assertEquals((long) ROUND_TRIPS * request.length, bytes);
                }
                assertEquals(0, allocated, io + ": bytes allocated over " + ROUND_TRIPS + " round trips");
            }
            assertTrue(Netns.in(ns, 5, "ip", "link", "show", name).code() != 0, "the TUN goes with its queues");
        }
    }

    /**
     * An idle worker waits without a time-out, so a stop must end its wait: {@link TunQueue#wake} does, at
     * once, and a wait that starts after it ends at once too. A packet still ends a wait as before. Both ways of
     * waiting: Netty's epoll beside Netty's I/O (a Netty without the methods it reaches would fall back to
     * poll, and fail here), poll beside the FileChannel.
     */
    @ParameterizedTest
    @EnumSource(value = TunIo.class, names = {"NETTY", "FILECHANNEL"})
    void aWaitWithoutTimeOutEndsWithAPacketOrAWakeUp(TunIo kind) throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        try (Netns net = new Netns()) {
            String ns = net.add("w");
            String name = "jcw" + net.suffix;
            try (TunDevice tun = TunDevice.open(name, 1, kind, false)) {
                Netns.run("ip", "link", "set", name, "netns", ns);
                // No IPv6 on it: a router solicitation sent late after link-up would end an "empty" wait.
                Netns.run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf." + name + ".disable_ipv6=1");
                Netns.run("ip", "-n", ns, "addr", "add", "10.77.0.1/24", "dev", name);
                Netns.run("ip", "-n", ns, "link", "set", name, "up");
                TunQueue q = tun.queues().get(0);
                assertEquals(kind == TunIo.NETTY ? "epoll" : "poll", q.waitKind());
                ByteBuffer in = ByteBuffer.allocateDirect(65600);
                Thread.sleep(300);
                while (q.read(in, 0, in.capacity()) > 0) {
                    // what link-up sent (router solicitations): the queue starts empty
                }
                assertFalse(q.awaitReadable(50), "a time-out ends a wait with nothing to read");
                long quiet = System.nanoTime();
                q.awaitAnything(50); // the worker's wait, without the outcome: a time-out ends it too
                assertTrue(System.nanoTime() - quiet >= 40_000_000L, "waited for the time-out");
                ByteBuffer out = ByteBuffer.allocateDirect(2048);
                byte[] request = echoRequest();
                out.put(0, request);
                q.write(out, 0, request.length); // the kernel's echo reply ends the next wait
                long t0 = System.nanoTime();
                assertTrue(q.awaitReadable(-1), "a packet is readable");
                assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
                t0 = System.nanoTime();
                q.awaitAnything(5000);
                assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "a readable packet ends the worker's wait at once");
                while (q.read(in, 0, in.capacity()) > 0) {
                    // drained
                }

                java.util.concurrent.CompletableFuture<Boolean> waiter = java.util.concurrent.CompletableFuture
                        .supplyAsync(() -> {
                            try {
                                return q.awaitReadable(-1);
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
                Thread.sleep(500);
                assertTrue(!waiter.isDone(), "an empty queue keeps the waiter waiting");
                long woken = System.nanoTime();
                q.wake();
                assertEquals(false, waiter.get(2, java.util.concurrent.TimeUnit.SECONDS), "woken, no packet");
                assertTrue(System.nanoTime() - woken < 1_000_000_000L, "woken at once");
                assertEquals(false, q.awaitReadable(-1), "a later wait ends at once too");
                long stopped = System.nanoTime();
                q.awaitAnything(-1);
                assertTrue(System.nanoTime() - stopped < 1_000_000_000L, "and the worker's wait as well");
            }
        }
    }

    /** Writes the request, spins until an IPv4 echo reply comes back; returns its length. */
    private static int roundTrip(TunQueue q, ByteBuffer out, int len, ByteBuffer in) throws Exception {
        assertEquals(len, q.write(out, 64, 64 + len));
        for (long spins = 0; spins < 50_000_000L; spins++) {
            int n = q.read(in, 64, in.capacity());
            if (n > 0 && (in.get(64) & 0xf0) == 0x40 && in.get(64 + 20) == 0) {
                return n;
            }
            if (n == 0 && spins > 1000) {
                Thread.onSpinWait();
            }
        }
        throw new AssertionError("no echo reply from the kernel");
    }

    /** The JIT warm-up's queue: takes every write, like a TUN queue, and never has a packet to read. */
    @Test
    void aDiscardQueueTakesWritesAndHasNothingToRead() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        try (Netns net = new Netns(); TunDevice tun = TunDevice.open("jcd" + net.suffix, 1, TunIo.NETTY, false)) {
            TunQueue q = tun.openDiscardQueue();
            assertNotNull(q);
            try {
                ByteBuffer b = ByteBuffer.allocateDirect(100);
                assertEquals(60, q.write(b, 20, 80));
                assertTrue(q.read(b, 0, 100) <= 0); // /dev/null: end of file, never a packet
            } finally {
                q.close();
            }
            assertTrue(q.isClosed());
        }
    }

    @Test
    void aBadTunIoValueIsRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TunIo.parse("jni"));
        assertEquals("tun-io must be netty, filechannel or auto, got 'jni'", e.getMessage());
        assertEquals(TunIo.FILECHANNEL, TunIo.parse("filechannel"));
    }

    @Test
    void theFileChannelPathAttachesEachOfItsOwnDescriptorsAmongOtherOpenTuns() throws Exception {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        try (Netns net = new Netns();
                TunDevice a = TunDevice.open("jcfa" + net.suffix, 2, TunIo.NETTY, false);
                TunDevice b = TunDevice.open("jcfb" + net.suffix, 3, TunIo.FILECHANNEL, false)) {
            Map<String, Integer> queuesPerDevice = new HashMap<>();
            for (int fd : TunFdLookup.openDescriptors()) {
                queuesPerDevice.merge(String.valueOf(TunFdLookup.attachedInterface(fd)), 1, Integer::sum);
            }
            assertEquals(2, queuesPerDevice.get(a.name()), queuesPerDevice.toString());
            assertEquals(3, queuesPerDevice.get(b.name()), queuesPerDevice.toString());
        }
    }
}
