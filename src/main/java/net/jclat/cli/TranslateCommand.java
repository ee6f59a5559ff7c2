package net.jclat.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jclat.offline.PcapTranslation;
import net.jclat.xlat.Counters;
import net.jclat.xlat.DedicatedPrefix;
import net.jclat.xlat.Drop;
import net.jclat.xlat.EamEntry;
import net.jclat.xlat.Ipv4Prefix;
import net.jclat.xlat.Ipv6Prefix;
import net.jclat.xlat.UdpZeroChecksum;
import net.jclat.xlat.XlatConfig;

/** {@code jclat translate}: parses options into an {@link XlatConfig} and runs {@link PcapTranslation}. */
final class TranslateCommand {
    static final String USAGE = """
            usage: jclat translate --pref64 PFX [--clat-v4 A --clat-v6 B] [--map V4PFX=V6PFX]...
                                   [--eam V4PFX=V6PFX]... [--translator-v4 X[/N]] [--translator-v6 Y]
                                   [--lowest-ipv6-mtu N] [--ipv4-mtu N] [--ipv6-mtu N]
                                   [--udp-zero-checksum drop|compute] [--allow-wkp-non-global [on|off]]
                                   [--ignore-tos [on|off]] [--icmp-errors on|off] [--no-icmp-errors]
                                   [--icmp-errors-per-second N] [--hairpinning on|off] [--no-hairpinning]
                                   --in IN.pcap --out OUT.pcap [--explain]""";

    private TranslateCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws UsageException {
        // No rate limit unless asked for: then it runs on the capture's own timestamps (PcapTranslation), so
        // the same file always gives the same errors.
        XlatConfig.Builder b = XlatConfig.builder().icmpErrorsPerSecond(0);
        Path in = null;
        Path outFile = null;
        boolean explain = false;
        boolean hasPref64 = false;
        String clatV4 = null;
        String clatV6 = null;
        Ipv6Prefix translatorV6 = null;
        List<DedicatedPrefix> maps = List.of();
        List<EamEntry> eams = List.of();
        Arguments a = new Arguments(args, 1);
        while (a.hasNext()) {
            String opt = a.nextOption();
            try {
                switch (opt) {
                    case "--pref64" -> {
                        b.pref64(a.value(opt));
                        hasPref64 = true;
                    }
                    case "--clat-v4" -> clatV4 = a.value(opt);
                    case "--clat-v6" -> clatV6 = a.value(opt);
                    case "--map" -> maps = Arguments.append(maps, DedicatedPrefix.parse(a.value(opt)));
                    case "--eam" -> eams = Arguments.append(eams, EamEntry.parse(a.value(opt)));
                    case "--translator-v4" -> b.translatorIpv4(Ipv4Prefix.parse(a.value(opt)));
                    case "--translator-v6" -> translatorV6 = Ipv6Prefix.parse(a.value(opt));
                    case "--lowest-ipv6-mtu" -> b.lowestIpv6Mtu(a.intValue(opt));
                    case "--ipv4-mtu" -> b.ipv4Mtu(a.intValue(opt));
                    case "--ipv6-mtu" -> b.ipv6Mtu(a.intValue(opt));
                    case "--udp-zero-checksum" -> b.udpZeroChecksum(UdpZeroChecksum.parse(a.value(opt)));
                    case "--allow-wkp-non-global" -> b.allowWkpNonGlobal(a.onOff(opt));
                    case "--ignore-tos" -> b.ignoreTos(a.onOff(opt));
                    case "--icmp-errors" -> b.sendIcmpErrors(a.onOffValue(opt));
                    case "--no-icmp-errors" -> b.sendIcmpErrors(false);
                    case "--icmp-errors-per-second" -> b.icmpErrorsPerSecond(a.intValue(opt));
                    case "--hairpinning" -> b.hairpinning(a.onOffValue(opt));
                    case "--no-hairpinning" -> b.hairpinning(false);
                    case "--in" -> in = Path.of(a.value(opt));
                    case "--out" -> outFile = Path.of(a.value(opt));
                    case "--explain" -> explain = true;
                    default -> throw new UsageException("unknown option '" + opt + "'\n" + USAGE);
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException(opt + ": " + e.getMessage());
            }
        }
        if (!hasPref64) {
            throw new UsageException("--pref64 is required\n" + USAGE);
        }
        if (in == null || outFile == null) {
            throw new UsageException("--in and --out are required\n" + USAGE);
        }
        if ((clatV4 == null) != (clatV6 == null)) {
            throw new UsageException("--clat-v4 and --clat-v6 go together");
        }
        XlatConfig config;
        try {
            if (clatV4 != null) {
                // A CLAT translates only its own addresses on the local side (RFC 6877 §6.3).
                b.clat(clatV4, clatV6).pref64ForLocal(false);
                if (translatorV6 == null) {
                    translatorV6 = Ipv6Prefix.parse(clatV6);
                }
            }
            config = b.dedicatedPrefixes(maps).eams(eams).translatorIpv6(translatorV6).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (!Files.isReadable(in)) {
            throw new UsageException("cannot read " + in);
        }
        Path parent = outFile.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
            throw new UsageException("cannot write " + outFile + ": its directory does not exist or is not writable");
        }
        PcapTranslation.Result r;
        try {
            r = new PcapTranslation(config).run(in, outFile, explain ? out : null);
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        err.println(summary(r));
        return ExitCode.OK;
    }

    private static String summary(PcapTranslation.Result r) {
        StringBuilder s = new StringBuilder("jclat translate: " + r.packetsIn() + " packets in, " + r.packetsOut()
                + " out");
        for (Drop d : Drop.values()) {
            long n = r.counters().dropped(d);
            if (n > 0) {
                s.append(", ").append(n).append(" dropped:").append(d.label());
            }
        }
        long held = r.counters().get(Counters.REASSEMBLY_PENDING_4TO6) + r.counters().get(
                Counters.REASSEMBLY_PENDING_6TO4);
        if (held > 0) {
            s.append(", ").append(held).append(" ICMP fragments held (their datagrams never completed)");
        }
        return s.toString();
    }
}
