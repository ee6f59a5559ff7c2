# Test scaffolding for Ipv6MostlyNamespaceTest: prints one line per Router Advertisement and per DHCPv4
# reply seen on a LAN interface, with the bytes the test checks. Run with Debian's python3 (python3-scapy).
import sys
from scapy.all import sniff, raw, IPv6, ICMPv6ND_RA, BOOTP, DHCP

iface = sys.argv[1]
print("ready", flush=True)


def options(b):
    out, i = [], 0
    while i + 2 <= len(b):
        n = b[i + 1] * 8
        if n == 0:
            break
        out.append(b[i:i + n].hex())
        i += n
    return out


def show(p):
    if ICMPv6ND_RA in p:
        ip = p[IPv6]
        b = raw(ip[ICMPv6ND_RA])
        again = ip.copy()
        del again[ICMPv6ND_RA].cksum
        ok = IPv6(raw(again))[ICMPv6ND_RA].cksum == ip[ICMPv6ND_RA].cksum
        print("RA src=%s hlim=%d curhop=%d flags=%d lifetime=%d reachable=%d retrans=%d cksum=%s opts=%s" % (
            ip.src, ip.hlim, b[4], b[5], int.from_bytes(b[6:8], "big"), int.from_bytes(b[8:12], "big"),
            int.from_bytes(b[12:16], "big"), "ok" if ok else "bad", ",".join(options(b[16:]))), flush=True)
    elif DHCP in p and p[BOOTP].op == 2:
        opts = dict(o for o in p[DHCP].options if isinstance(o, tuple) and len(o) == 2)
        raw_dhcp = raw(p[DHCP])
        o108 = "none"
        i = 0
        while i < len(raw_dhcp):  # walk the raw options, so the bytes are what was on the wire
            t = raw_dhcp[i]
            if t == 255:
                break
            if t == 0:
                i += 1
                continue
            n = raw_dhcp[i + 1]
            if t == 108:
                o108 = raw_dhcp[i + 2:i + 2 + n].hex()
            i += 2 + n
        print("DHCP type=%s yiaddr=%s opt108=%s" % (opts.get("message-type"), p[BOOTP].yiaddr, o108), flush=True)


sniff(iface=iface, prn=show, store=False)
