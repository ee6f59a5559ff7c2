package net.jclat.testsupport;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The download check the end-to-end tests lean on can fail: one byte changed in the middle of the 10 MiB is
 * caught. Server and client share one namespace over its loopback, so no CLAT is involved.
 */
class ByteExactDownloadNamespaceTest {
    @Test
    void anIntactFilePassesAndOneChangedByteFails() throws IOException {
        assumeTrue(Netns.available(), "needs root, iproute2 and /dev/net/tun");
        try (Netns netns = new Netns()) {
            String ns = netns.add("dl");
            try (ByteExactDownload download = ByteExactDownload.serve(ns, "::1", 3)) {
                download.assertArrivesByteExact(ns, "[::1]", () -> "");
                try (RandomAccessFile f = new RandomAccessFile(download.file().toFile(), "rw")) {
                    f.seek(ByteExactDownload.SIZE / 2);
                    int b = f.read();
                    f.seek(ByteExactDownload.SIZE / 2);
                    f.write(b ^ 1);
                }
                assertThrows(AssertionFailedError.class, () -> download.assertArrivesByteExact(ns, "[::1]", () -> ""));
            }
        }
    }
}
