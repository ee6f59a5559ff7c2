package net.jclat.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * A 10 MiB random file served over HTTP by python3's http.server on an IPv6 address in one namespace, fetched
 * from another (through the CLAT, by the IPv4 address that maps to the server) and compared whole: length and
 * SHA-256 of what the client received against what was written. One TCP download of many full-size segments,
 * so a translation that loses, reorders wrongly or changes a single byte fails it.
 */
public final class ByteExactDownload implements AutoCloseable {
    public static final int SIZE = 10 * 1024 * 1024;
    private static final int PORT = 8080;

    private final Path dir;
    private final Process server;
    private final String expected;

    private ByteExactDownload(Path dir, Process server, String expected) {
        this.dir = dir;
        this.server = server;
        this.expected = expected;
    }

    /** Writes {@link #SIZE} bytes from {@code seed} to a new temporary directory and serves it on port 8080. */
    public static ByteExactDownload serve(String serverNs, String serverIpv6, long seed) throws IOException {
        byte[] data = new byte[SIZE];
        new Random(seed).nextBytes(data);
        Path dir = Files.createTempDirectory("jclat-http");
        Files.write(dir.resolve("blob"), data);
        String server = "import http.server,socket,functools\n"
                + "class S(http.server.ThreadingHTTPServer):\n"
                + "    address_family=socket.AF_INET6\n"
                + "h=functools.partial(http.server.SimpleHTTPRequestHandler,directory='" + dir + "')\n"
                + "S(('" + serverIpv6 + "'," + PORT + "),h).serve_forever()\n";
        Process p = new ProcessBuilder("ip", "netns", "exec", serverNs, "python3", "-c", server)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return new ByteExactDownload(dir, p, data.length + " " + sha256(data));
    }

    /** The file as served: a test may change it to see the check fail. */
    public Path file() {
        return dir.resolve("blob");
    }

    /**
     * Downloads the file in {@code clientNs} from {@code host} (an IPv4 address, or {@code [v6]}), retrying for
     * about 5 s while the server starts, and asserts it arrived whole; {@code context} (the daemon's log, say)
     * is added to a failure.
     */
    public void assertArrivesByteExact(String clientNs, String host, Context context) throws IOException {
        String client = "import urllib.request,hashlib,time\n"
                + "for i in range(20):\n"
                + "    try:\n"
                + "        d=urllib.request.urlopen('http://" + host + ":" + PORT + "/blob',timeout=20).read(); break\n"
                + "    except OSError: time.sleep(0.25)\n"
                + "print(len(d), hashlib.sha256(d).hexdigest())\n";
        Netns.Result r = Netns.in(clientNs, 60, "python3", "-c", client);
        String got = r.output().strip();
        assertEquals(expected, got, got.equals(expected) ? "" : r.output() + context.get()); // read only on failure
    }

    /** What a failure adds to its message. */
    @FunctionalInterface
    public interface Context {
        String get() throws IOException;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e); // every JDK has SHA-256
        }
    }

    @Override
    public void close() throws IOException {
        server.destroyForcibly();
        Files.deleteIfExists(file());
        Files.deleteIfExists(dir);
    }
}
