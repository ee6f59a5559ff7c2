package net.jclat.daemon;

import net.jclat.config.Mode;
import net.jclat.config.RunConfig;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.Pref64;
import net.jclat.xlat.XlatConfig;

/** The translator's configuration from the settings, the CLAT address chosen and the current prefix. */
final class XlatSettings {
    private XlatSettings() {
    }

    static XlatConfig of(RunConfig cfg, Pref64 pref64, Ipv6Prefix clatV6, int ipv4Mtu, int tunMtu) {
        return XlatConfig.builder()
                .pref64(pref64)
                .clatIpv4(clatV6 == null ? null : cfg.clatIpv4())
                .clatIpv6(clatV6)
                .dedicatedPrefixes(cfg.maps())
                .eams(cfg.eams())
                // SIIT as a border relay maps its IPv4 side with the prefix; as an edge relay (it has its own
                // service addresses) it translates only those: RFC 7756 §6 ingress filtering.
                .pref64ForLocal(cfg.mode() == Mode.SIIT && clatV6 == null && cfg.maps().isEmpty())
                .hairpinning(cfg.hairpinning())
                .translatorIpv4(cfg.translatorIpv4() != null ? cfg.translatorIpv4() : XlatConfig.IPV4_DUMMY)
                .translatorIpv6(cfg.translatorIpv6() != null ? cfg.translatorIpv6() : clatV6)
                .lowestIpv6Mtu(cfg.lowestIpv6Mtu())
                .ipv4Mtu(ipv4Mtu)
                .ipv6Mtu(tunMtu)
                .udpZeroChecksum(cfg.udpZeroChecksum())
                .icmpErrorsPerSecond(cfg.icmpErrorsPerSecond())
                .sendIcmpErrors(cfg.icmpErrors())
                .allowWkpNonGlobal(cfg.allowWkpNonGlobal())
                .ignoreTos(cfg.ignoreTos())
                .build();
    }
}
