#!/usr/bin/env python3
"""Writes docs/examples/sample.pcap: a dozen packets a CLAT meets, for `jclat translate --explain`.

The CLAT is 192.0.0.1 <-> 2001:db8:1::c, the NAT64 prefix 2001:db8:64::/96, the server 198.51.100.10.
Plain Python (no scapy) so the sample can be rebuilt anywhere: python3 docs/examples/make-sample.py
"""
import ipaddress
import struct
import sys

CLAT4 = ipaddress.IPv4Address("192.0.0.1").packed
CLAT6 = ipaddress.IPv6Address("2001:db8:1::c").packed
SERVER4 = ipaddress.IPv4Address("198.51.100.10").packed
SERVER6 = ipaddress.IPv6Address("2001:db8:64::c633:640a").packed
ROUTER6 = ipaddress.IPv6Address("2001:db8:ffff::1").packed


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(proto, payload, src=CLAT4, dst=SERVER4, ttl=64, flags=0, ident=0x1234, good=True):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags, ttl, proto, 0, src, dst)
    c = csum(hdr) if good else 0xBEEF
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def ipv6(nh, payload, src=SERVER6, dst=CLAT6, hlim=60):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, hlim, src, dst) + payload


def l4_v4(proto, seg, src=CLAT4, dst=SERVER4, off=16):
    pseudo = src + dst + struct.pack("!BBH", 0, proto, len(seg))
    c = csum(pseudo + seg) or 0xFFFF
    return seg[:off] + struct.pack("!H", c) + seg[off + 2:]


def l4_v6(nh, seg, src=SERVER6, dst=CLAT6, off=16):
    pseudo = src + dst + struct.pack("!IxxxB", len(seg), nh)
    c = csum(pseudo + seg) or 0xFFFF
    return seg[:off] + struct.pack("!H", c) + seg[off + 2:]


def udp4(sport, dport, data, **kw):
    return l4_v4(17, struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data, off=6, **kw)


def tcp(sport, dport, flags):
    return struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, 5 << 4, flags, 64240, 0, 0)


def icmp4(t, code, rest, data):
    m = struct.pack("!BBHI", t, code, 0, rest) + data
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def icmp6(t, code, rest, data, src=SERVER6, dst=CLAT6):
    return l4_v6(58, struct.pack("!BBHI", t, code, 0, rest) + data, src, dst, off=2)


syn = ipv4(6, l4_v4(6, tcp(40000, 80, 0x02)))
packets = [
    ipv4(17, udp4(40001, 53, b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x03com\x00\x00\x01\x00\x01")),
    syn,
    ipv4(1, icmp4(8, 0, 0x00010001, b"jclat ping payload")),
    ipv6(58, icmp6(129, 0, 0x00010001, b"jclat ping payload")),
    ipv6(6, l4_v6(6, tcp(80, 40000, 0x12))),
    ipv4(17, udp4(40002, 33434, b"traceroute"), ttl=1),
    ipv4(17, udp4(40003, 9000, b"D" * 1472), flags=0x4000),
    ipv4(17, udp4(40004, 9000, b"F" * 1972)),
    ipv6(58, icmp6(135, 0, 0, CLAT6 + b"\x01\x01\x02\x00\x00\x00\x00\x01", src=SERVER6,
                   dst=ipaddress.IPv6Address("ff02::1:ff00:c").packed), dst=ipaddress.IPv6Address("ff02::1:ff00:c").packed, hlim=255),
    ipv4(17, udp4(40005, 53, b"corrupt"), good=False),
    ipv6(17, l4_v6(17, struct.pack("!HHHH", 53, 40001, 12, 0) + b"spam", src=ROUTER6, off=6), src=ROUTER6),
    ipv6(58, icmp6(3, 0, 0, ipv6(6, l4_v6(6, tcp(40000, 80, 0x02), src=CLAT6, dst=SERVER6), src=CLAT6, dst=SERVER6, hlim=1),
                   src=ROUTER6), src=ROUTER6),
]

out = sys.argv[1] if len(sys.argv) > 1 else "docs/examples/sample.pcap"
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
    for i, p in enumerate(packets):
        f.write(struct.pack("<IIII", 1_790_000_000 + i, 0, len(p), len(p)))
        f.write(p)
print("wrote %d packets to %s" % (len(packets), out))
