package net.jclat.luci;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.json.Json;

/**
 * A STAND-IN for what serves LuCI on a router (uhttpd, LuCI's dispatcher, rpcd with its ACLs and ubus over
 * HTTP), none of which can run here. It serves the package's real files and the real rpcd plugin:
 * <ul>
 * <li>{@code /cgi-bin/luci/admin/...}: a page that loads the view the package's {@code menu.d} entry names,
 * through {@code luci-standin.js} (the stand-in for LuCI's JS API);</li>
 * <li>{@code /standin/interface/SECTION}: the stand-in of Network -> Interfaces editing that interface, with
 * the package's {@code protocol/PROTO.js} if it ships one (luci-standin-interfaces.js);</li>
 * <li>{@code /luci-static/resources/...}: the package's {@code htdocs} files as they are;</li>
 * <li>{@code POST /ubus}: ubus JSON-RPC {@code call}: refused (ubus status 6) unless the package's
 * {@code acl.d} grants the method, 3 unless the plugin's {@code list} names it; otherwise the real plugin
 * runs with {@code call METHOD} and its JSON output is the result. The object {@code uci} ({@code get},
 * {@code set}, {@code delete}) works on the UCI state the test put in {@link #uci()}, as far as the
 * {@code acl.d} grants read or write of that config, as rpcd's uci object does.</li>
 * </ul>
 * Test scaffolding only; it binds 127.0.0.1 on a free port.
 */
final class LuciStandInServer implements AutoCloseable {
    private static final int UBUS_STATUS_METHOD_NOT_FOUND = 3;
    private static final int UBUS_STATUS_PERMISSION_DENIED = 6;

    private final HttpServer http;
    private final RpcdPlugin plugin;
    private final Map<String, Object> methods;
    private final List<String> calls = new ArrayList<>();
    private final UciStandIn uci = new UciStandIn();

    LuciStandInServer(RpcdPlugin plugin) throws IOException {
        this.plugin = plugin;
        RpcdPlugin.Result list = plugin.run("", "list");
        if (list.code() != 0) {
            throw new IOException("luci.jclat list failed: " + list.stderr());
        }
        methods = RpcdPlugin.object(list.stdout()); // rpcd registers what "list" names, nothing else
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/cgi-bin/luci/", this::page);
        http.createContext("/standin/interface/", this::interfacePage);
        http.createContext("/luci-static/resources/", this::resource);
        http.createContext("/luci-static/standin/", this::standIn);
        http.createContext("/ubus", this::ubus);
        http.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    /** The UCI configs the pages read and write (config -> section -> option -> value). */
    UciStandIn uci() {
        return uci;
    }

    /** Every ubus call made so far, as {@code object.method -> status}. */
    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    private void page(HttpExchange ex) throws IOException {
        String menuPath = ex.getRequestURI().getPath().substring("/cgi-bin/luci/".length());
        Map<String, Object> menu = RpcdPlugin.object(Files.readString(
                RpcdPlugin.PACKAGE.resolve("root/usr/share/luci/menu.d/luci-app-jclat.json")));
        Object entry = menu.get(menuPath);
        if (!(entry instanceof Map<?, ?> e) || !(e.get("action") instanceof Map<?, ?> action)
                || !"view".equals(action.get("type"))) {
            send(ex, 404, "text/plain", "no menu.d entry " + menuPath + " with a view action");
            return;
        }
        hostPage(ex, "standIn.loadView('" + action.get("path") + "');");
    }

    /** The stand-in interface editor of Network -> Interfaces for one UCI section of "network". */
    private void interfacePage(HttpExchange ex) throws IOException {
        String name = ex.getRequestURI().getPath().substring("/standin/interface/".length());
        if (!name.matches("[A-Za-z0-9_]+")) {
            send(ex, 404, "text/plain", "no such interface");
            return;
        }
        hostPage(ex, "standIn.loadInterface('" + name + "');");
    }

    private void hostPage(HttpExchange ex, String load) throws IOException {
        String html;
        try (InputStream in = getClass().getResourceAsStream("/luci-standin/index.html")) {
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        send(ex, 200, "text/html; charset=utf-8", html.replace("@LOAD@", load));
    }

    private void resource(HttpExchange ex) throws IOException {
        String rel = ex.getRequestURI().getPath().substring(1); // luci-static/resources/...
        Path root = RpcdPlugin.PACKAGE.resolve("htdocs").toAbsolutePath().normalize();
        Path file = root.resolve(rel).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            send(ex, 404, "text/plain", "not found: " + rel);
            return;
        }
        send(ex, 200, "application/javascript; charset=utf-8", Files.readString(file));
    }

    private void standIn(HttpExchange ex) throws IOException {
        String name = ex.getRequestURI().getPath().substring("/luci-static/standin/".length());
        InputStream in = name.matches("[a-z-]+\\.(js|css)") ? getClass().getResourceAsStream("/luci-standin/" + name)
                : null;
        if (in == null) {
            send(ex, 404, "text/plain", "not found: " + name);
            return;
        }
        try (in) {
            send(ex, 200, name.endsWith(".css") ? "text/css" : "application/javascript; charset=utf-8",
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private void ubus(HttpExchange ex) throws IOException {
        Map<String, Object> req = RpcdPlugin.object(new String(ex.getRequestBody().readAllBytes(),
                StandardCharsets.UTF_8));
        List<?> params = (List<?>) req.get("params");
        String object = String.valueOf(params.get(1));
        String method = String.valueOf(params.get(2));
        String args = new Json().toJson(params.get(3));
        Object result;
        if (object.equals("uci")) {
            Map<?, ?> a = (Map<?, ?>) params.get(3);
            String config = String.valueOf(a.get("config"));
            boolean write = !method.equals("get");
            result = !granted("uci", write ? "write" : "read", config) ? List.of(UBUS_STATUS_PERMISSION_DENIED)
                    : uci.call(method, a);
        } else if (!granted(object, method)) {
            result = List.of(UBUS_STATUS_PERMISSION_DENIED);
        } else if (!object.equals("luci.jclat") || !methods.containsKey(method)) {
            result = List.of(UBUS_STATUS_METHOD_NOT_FOUND);
        } else {
            RpcdPlugin.Result r = plugin.run(args, "call", method);
            result = r.code() != 0 ? List.of(r.code()) : List.of(0, RpcdPlugin.object(r.stdout()));
        }
        synchronized (this) {
            calls.add(object + "." + method + " -> " + ((List<?>) result).get(0));
        }
        String reply = new Json().toJson(Map.of("jsonrpc", "2.0", "id", req.get("id"), "result", result));
        send(ex, 200, "application/json", reply);
    }

    /** What rpcd's session ACLs would say for the package's acl.d file: read access to object.method. */
    private static boolean granted(String object, String method) throws IOException {
        for (Object group : acl().values()) {
            if (group instanceof Map<?, ?> g && g.get("read") instanceof Map<?, ?> read
                    && read.get("ubus") instanceof Map<?, ?> ubus && ubus.get(object) instanceof Collection<?> m
                    && (m.contains(method) || m.contains("*"))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the acl.d file grants {@code access} ("read" or "write") of a scope's item, e.g. uci network. */
    private static boolean granted(String scope, String access, String item) throws IOException {
        for (Object group : acl().values()) {
            if (group instanceof Map<?, ?> g && g.get(access) instanceof Map<?, ?> a
                    && a.get(scope) instanceof Collection<?> items && (items.contains(item) || items.contains("*"))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Object> acl() throws IOException {
        return RpcdPlugin.object(Files.readString(
                RpcdPlugin.PACKAGE.resolve("root/usr/share/rpcd/acl.d/luci-app-jclat.json")));
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, b.length);
        try (var out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
