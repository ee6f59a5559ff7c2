package net.jclat.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import net.jclat.tun.TunIo;
import net.jclat.xlat.DedicatedPrefix;
import net.jclat.xlat.EamEntry;
import net.jclat.xlat.Ipv4Prefix;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.UdpZeroChecksum;

/**
 * Everything {@code jclat run} was asked to do, validated, immutable. Values the daemon must discover
 * (an automatic CLAT IPv6 address, MTUs from the uplink) are null or 0 here and resolved at start.
 *
 * @param clatIpv6 null means "auto": derived from the uplink's /64
 * @param ipv4Mtu 0 means uplink IPv6 MTU − 20 (RFC 7756 §4.2)
 * @param routes4 IPv4 prefixes routed into the TUN (default: the default route)
 * @param hairpinning RFC 7757 §4.2 hairpinning; turned off for an RFC 7756 edge relay
 * @param syslog {@code host:port} of a syslog receiver (UDP), or null for stderr only
 * @param icmpErrorsPerSecond rate limit of the ICMP errors each worker originates; 0 = no limit
 * @param controlSocket the Unix socket {@code jclat status} and {@code jclat reload} talk to
 * @param nativeIpv4Standby stand by (withdraw the IPv4 routes) while the uplink has a native IPv4 default route
 * @param metricsListen loopback address and port of the Prometheus endpoint, or null when it is off
 * @param tunIo how packets move through the TUN: Netty's JNI, the JDK's FileChannel, or auto
 * @param name what this CLAT is called (OpenWrt: the netifd interface); names the status file and socket
 * @param hook a program run with the state in {@code JCLAT_*} environment variables whenever it changes, or null
 * @param netifdManaged OpenWrt: netifd owns the TUN's IPv4 address, the routes and the firewall (pushed by the
 *        hook); jclat owns only the TUN and the proxy NDP entry for its CLAT address
 * @param offload virtio-net headers with checksum and segmentation offload on the TUN
 * @param cpuSteering per-CPU queue steering and worker pinning
 * @param allowWkpNonGlobal lift the RFC 6052 §3.1 ban on non-global IPv4 in 64:ff9b::/96
 * @param ignoreTos IPv6 traffic class 0 instead of the IPv4 TOS (RFC 7915 §4.1)
 * @param icmpErrors whether the translator originates ICMP errors at all (RFC 7915 §4.4 / §5.4)
 * @param fastPath the kernel fast path: off, where the kernel takes it (auto), or required (on)
 * @param ipv6Mostly the IPv6-mostly LAN (RFC 8781 PREF64 RAs, RFC 8925 option 108); {@link Ipv6MostlyConfig#OFF}
 */
public record RunConfig(
        String uplink,
        String tun,
        int workers,
        DiscoveryConfig discovery,
        Mode mode,
        Ipv4Prefix clatIpv4,
        Ipv6Prefix clatIpv6,
        List<DedicatedPrefix> maps,
        List<EamEntry> eams,
        Ipv4Prefix translatorIpv4,
        Ipv6Prefix translatorIpv6,
        int ipv4Mtu,
        int lowestIpv6Mtu,
        int routeMetric,
        UdpZeroChecksum udpZeroChecksum,
        List<Ipv4Prefix> routes4,
        Path statusFile,
        boolean hairpinning,
        String syslog,
        boolean nativeIpv4Standby,
        int icmpErrorsPerSecond,
        Path controlSocket,
        InetSocketAddress metricsListen,
        TunIo tunIo,
        String name,
        Path hook,
        boolean netifdManaged,
        Offload offload,
        Steering cpuSteering,
        boolean allowWkpNonGlobal,
        boolean ignoreTos,
        boolean icmpErrors,
        FastPathMode fastPath,
        Ipv6MostlyConfig ipv6Mostly) {
}
