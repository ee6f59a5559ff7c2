"""Test router for RaListenerNamespaceTest, run inside the router namespace.

Sends Router Advertisements with scapy on request and reports the Router Solicitations it hears.
One JSON command per line on stdin, one answer line on stdout:
  {"cmd": "ra", "src": "fe80::1", "hlim": 255, "lifetime": 1800,
   "pref64": [[225, 1, "2001:db8:1:2::"]], "raw": "0500..."}           -> "sent"
  {"cmd": "flush"}                                                       -> "flushed <count>"
  {"cmd": "rs", "from": "fe80::...", "wait": 3.0}                        -> "rs <hop limit>" or "rs none"
"""
import json
import select
import socket
import struct
import sys
import time

from scapy.all import Ether, IPv6, ICMPv6ND_RA, Raw, sendp

try:  # scapy >= 2.6 knows the option; Debian bookworm's 2.5 does not
    from scapy.layers.inet6 import ICMPv6NDOptPREF64
except ImportError:
    ICMPv6NDOptPREF64 = None

IFACE = sys.argv[1]

# Opened before "ready" so a solicitation sent right after is already queued here.
rs_sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
rs_sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, IFACE.encode())
rs_sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)


def pref64(scaled, plc, prefix):
    """RFC 8781 section 4: type 38, length 2, 13-bit scaled lifetime and 3-bit PLC, 96 prefix bits."""
    if ICMPv6NDOptPREF64 is not None:
        return bytes(ICMPv6NDOptPREF64(scaledlifetime=scaled, plc=plc, prefix=prefix))
    return struct.pack("!BBH", 38, 2, (scaled << 3) | plc) + socket.inet_pton(socket.AF_INET6, prefix)[:12]


def send_ra(c):
    pkt = (Ether(dst="33:33:00:00:00:01")
           / IPv6(src=c["src"], dst="ff02::1", hlim=c.get("hlim", 255))
           / ICMPv6ND_RA(routerlifetime=c.get("lifetime", 0)))
    options = b"".join(pref64(*p) for p in c.get("pref64", [])) + bytes.fromhex(c.get("raw", ""))
    if options:
        pkt = pkt / Raw(options)
    sendp(pkt, iface=IFACE, verbose=False)
    return "sent"


def await_rs(c):
    want = socket.inet_pton(socket.AF_INET6, c["from"])
    deadline = time.monotonic() + c.get("wait", 3.0)
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([rs_sock], [], [], left)[0]:
            return "rs none"
        data, anc, _flags, addr = rs_sock.recvmsg(2048, socket.CMSG_SPACE(4))
        src = socket.inet_pton(socket.AF_INET6, addr[0].split("%")[0])
        if not data or data[0] != 133 or src != want:
            continue
        hlim = -1
        for level, kind, value in anc:
            if level == socket.IPPROTO_IPV6 and kind == socket.IPV6_HOPLIMIT:
                hlim = struct.unpack("=i", value[:4])[0]
        return "rs %d" % hlim


def flush(_c):
    count = 0
    while select.select([rs_sock], [], [], 0)[0]:
        rs_sock.recv(2048)
        count += 1
    return "flushed %d" % count


COMMANDS = {"ra": send_ra, "rs": await_rs, "flush": flush}

print("ready", flush=True)
for line in sys.stdin:
    cmd = json.loads(line)
    try:
        answer = COMMANDS[cmd["cmd"]](cmd)
    except Exception as e:  # report, keep serving: the Java side decides
        answer = "error %r" % (e,)
    print(answer, flush=True)
