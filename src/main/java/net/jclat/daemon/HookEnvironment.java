package net.jclat.daemon;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jclat.config.Mode;
import net.jclat.netlink.Route;
import net.jclat.xlat.Addresses;

/**
 * The state as the hook's {@code JCLAT_*} environment (docs/openwrt.md). The routes are those that should
 * lead into the TUN now: under {@code netifd-managed} the hook pushes them to netifd.
 */
final class HookEnvironment {
    private HookEnvironment() {
    }

    /** @param finalState {@code stopped} or {@code error} for the last run at stop, else null */
    static Map<String, String> of(StatusSnapshot s, String finalState) {
        Map<String, Object> f = s.fields();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JCLAT_NAME", s.cfg().name());
        env.put("JCLAT_STATE", finalState != null ? finalState : switch (s.state()) {
            case "running" -> "running";
            case "error" -> "error";
            case "waiting for PLAT" -> "waiting";
            default -> "standby";
        });
        env.put("JCLAT_ERROR", s.lastError() == null ? "" : s.lastError());
        env.put("JCLAT_MODE", String.valueOf(f.get("mode")));
        env.put("JCLAT_TUN", s.cfg().tun());
        env.put("JCLAT_UPLINK", s.cfg().uplink());
        env.put("JCLAT_PREF64", String.valueOf(f.get("pref64")));
        env.put("JCLAT_PREF64_SOURCE", String.valueOf(f.get("pref64_source")));
        env.put("JCLAT_CLAT_V4", String.valueOf(f.get("clat_ipv4")));
        env.put("JCLAT_CLAT_V6", String.valueOf(f.get("clat_ipv6")));
        env.put("JCLAT_MTU", Integer.toString(s.tunMtu()));
        env.put("JCLAT_IPV4_MTU", Integer.toString(s.ipv4Mtu()));
        env.put("JCLAT_ROUTE_METRIC", Integer.toString(s.cfg().routeMetric()));
        boolean live = finalState == null && s.active();
        env.put("JCLAT_IPV4_ROUTES", live && s.ipv4RoutesUp() ? routeList(s.ipv4Routes()) : "");
        List<Route> v6 = new ArrayList<>(s.ipv6Routes());
        if (s.cfg().mode() == Mode.SIIT && s.prefix() != null) {
            v6.add(new Route(InterfaceSetup.v6(s.prefix().prefix().prefix()), s.prefix().prefix().length(),
                    s.tunIndex(), 0, 0, 0));
        }
        env.put("JCLAT_IPV6_ROUTES", live ? routeList(v6) : "");
        env.put("JCLAT_STATUS_FILE", s.cfg().statusFile().toString());
        // The IPv6-mostly LAN (docs/ipv6-mostly.md): where jclat does not send the RAs or keep the DHCP
        // server's options itself (OpenWrt: odhcpd, dnsmasq), the hook does it from these.
        boolean mostly = finalState == null && Boolean.TRUE.equals(s.ipv6Mostly().get("announcing"));
        env.put("JCLAT_IPV6_MOSTLY", mostly ? "on" : "off");
        env.put("JCLAT_IPV6_MOSTLY_IFACES", String.join(" ", s.cfg().ipv6Mostly().interfaces()));
        env.put("JCLAT_PREF64_LIFETIME", mostly ? String.valueOf(s.ipv6Mostly().get("lifetime")) : "0");
        env.put("JCLAT_V6ONLY_WAIT", Integer.toString(s.cfg().ipv6Mostly().v6onlyWait()));
        return env;
    }

    /** {@code a/n b/m ...}: space-separated, for a shell {@code for} loop. */
    private static String routeList(List<Route> routes) {
        StringBuilder b = new StringBuilder();
        for (Route r : routes) {
            ByteBuffer d = ByteBuffer.wrap(r.destination());
            b.append(b.length() == 0 ? "" : " ")
                    .append(r.destination().length == 4 ? Addresses.formatIpv4(d.getInt(0))
                            : Addresses.formatIpv6(d.getLong(0), d.getLong(8)))
                    .append('/').append(r.prefixLength());
        }
        return b.toString();
    }
}
