package net.jclat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The metrics endpoint's small HTTP/1.x responder, over a real loopback TCP connection. */
class MetricsServerTest {
    private MetricsServer server;

    @BeforeEach
    void start() throws IOException {
        server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                () -> "# HELP up h\n# TYPE up gauge\nup 1\n");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String exchange(String request) throws IOException {
        try (Socket s = new Socket(server.address().getAddress(), server.address().getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void getMetricsAnswersTheTextFormatAndCloses() throws IOException {
        String r = exchange("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/plain\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
        assertTrue(r.contains("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), r);
        assertTrue(r.contains("\r\nContent-Length: 33\r\n"), r);
        assertTrue(r.contains("\r\nConnection: close\r\n"), r);
        assertTrue(r.endsWith("\r\n\r\n# HELP up h\n# TYPE up gauge\nup 1\n"), r);
        assertTrue(exchange("GET /metrics?name[]=up HTTP/1.0\r\n\r\n").startsWith("HTTP/1.1 200 OK"));
    }

    @Test
    void headHasTheHeadersButNoBody() throws IOException {
        String r = exchange("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n") && r.contains("Content-Length: 33\r\n"), r);
        assertTrue(r.endsWith("Connection: close\r\n\r\n"), r);
    }

    @Test
    void otherPathsMethodsAndGarbageAreRefused() throws IOException {
        assertTrue(exchange("GET / HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 404 Not Found\r\n"));
        String post = exchange("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        assertTrue(post.startsWith("HTTP/1.1 405 Method Not Allowed\r\n") && post.contains("\r\nAllow: GET, HEAD\r\n"),
                post);
        assertTrue(exchange("hello\n\n").startsWith("HTTP/1.1 400 Bad Request\r\n"));
        assertTrue(exchange("GET /metrics HTTP/2.0\r\n\r\n").startsWith("HTTP/1.1 400 Bad Request\r\n"));
        String big = "GET /metrics HTTP/1.1\r\nX: " + "a".repeat(MetricsServer.MAX_HEAD) + "\r\n";
        assertTrue(exchange(big).startsWith("HTTP/1.1 431 "));
    }

    @Test
    void aNonLoopbackAddressIsRefused() {
        IOException e = assertThrows(IOException.class, () -> MetricsServer.start(
                new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), () -> ""));
        assertEquals("the metrics endpoint listens on loopback only, not 0.0.0.0:0", e.getMessage());
    }
}
