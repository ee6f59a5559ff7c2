// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Uplink ingress (TC): IPv6 from the NAT64 prefix to the CLAT address (nat44) or into the dedicated prefix
 * (prefix mode), TCP / UDP with a checksum / ICMPv6 echo, becomes IPv4 in place (RFC 7915 §5) and is
 * redirected into the TUN's ingress, where conntrack, the firewall and routing see it as if jclat had
 * written it to the TUN. Anything else returns TC_NEXT untouched: the kernel routes it into the TUN and
 * the Java core translates it (ICMPv6 errors, fragments, extension headers, hop limit 1, ...).
 * Mirrors Ipv6ToIpv4.translate in net.jclat.xlat.
 *
 * Built a second time with ROUTED_DOWNSTREAM as tun_egress6, on the TUN's egress beside tun_egress: while other
 * tc filters classify the uplink's ingress (SQM's shaper), the uplink program leaves downstream packets to them,
 * the kernel routes the IPv6 into the TUN after them (and after the IPv6 firewall), and this copy translates it
 * there — the same packet the Java core would have read from the TUN — into the TUN's ingress. Otherwise it
 * leaves everything, uncounted: the uplink program has counted what reaches the TUN.
 */
#include "fastpath.h"

#ifdef ROUTED_DOWNSTREAM
#define PROGRAM tun_egress6
#else
#define PROGRAM uplink_ingress
#endif

#define IP6_LEN 40
#define IP4_LEN 20
/* RFC 7915 §5.1: an unfragmented IPv4 packet above 1260 bytes gets DF (the core's DF_THRESHOLD). */
#define DF_THRESHOLD 1260

struct __attribute__((aligned(4))) ip6 {
	__u8 vtc;
	__u8 tcfl;
	__be16 fl;
	__be16 plen;
	__u8 nexthdr;
	__u8 hop;
	__u8 src[16];
	__u8 dst[16];
};

struct ip4 {
	__u8 vihl;
	__u8 tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag;
	__u8 ttl;
	__u8 protocol;
	__be16 check;
	__be32 src;
	__be32 dst;
};

/* The IPv6 source, from the NAT64 prefix, as IPv4 (network order); -1 when the core would not map it so. */
static __always_inline int map_remote(const struct clat_config *c, const __u8 *src, __u32 *out)
{
	if ((c->flags & CFG_HAS_CLAT) && same16(src, c->clat6))
		return -1; /* our own address as a source: the core drops it (RFC 7756 §6) */
	if ((c->flags & CFG_HAS_DEDICATED) && in_prefix(src, c->dedicated6, c->dedicated6_len))
		return -1;
	if (!in_prefix(src, c->pref64, c->pref64_len) || extract4(src, c->pref64_len, out))
		return -1;
	if ((c->flags & CFG_WKP_RULE) && non_global4(*out))
		return -1; /* RFC 6052 §3.1 */
	if ((c->flags & CFG_HAS_CLAT) && *out == c->clat4)
		return -1; /* RFC 7756 §6: an IPv6 packet must not claim to come from us */
	if ((c->flags & CFG_HAS_DEDICATED) && in_prefix4(*out, c->dedicated4, c->dedicated4_len))
		return -1;
	return 0;
}

/* The IPv6 destination as our IPv4 address: the CLAT address, or a host of the dedicated prefix. */
static __always_inline int map_local(const struct clat_config *c, const __u8 *dst, __u32 *out)
{
	if ((c->flags & CFG_HAS_CLAT) && same16(dst, c->clat6)) {
		*out = c->clat4;
		return 0;
	}
	if ((c->flags & CFG_HAS_DEDICATED) && in_prefix(dst, c->dedicated6, c->dedicated6_len)
	    && !extract4(dst, c->dedicated6_len, out) && in_prefix4(*out, c->dedicated4, c->dedicated4_len))
		return 0;
	return -1;
}

SEC("tc")
int PROGRAM(struct __sk_buff *skb)
{
	const int dir = DIR_6TO4;
	int slot; /* the pass paths share one counter update: less code (docs/benchmarks.md) */
	const struct clat_config *c = get_config();
#ifdef ROUTED_DOWNSTREAM
	if (!c || !(c->flags & CFG_INGRESS_DEFERS) || skb->protocol != bpf_htons(ETH_P_IPV6))
		return TC_NEXT;
	__u32 l2 = c->tun_l2_len;
#else
	if (!c)
		PASS(PASS_NO_CONFIG);
	/* Under TCX this program runs before every classic filter on the device; a redirect into the TUN would
	 * take a downstream packet past them (SQM's ingress shaping). While there are any, they go first (and
	 * tun_egress6 translates the packet once the kernel has routed it into the TUN). */
	if (c->flags & CFG_INGRESS_DEFERS)
		return TC_NEXT;
	if (skb->protocol != bpf_htons(ETH_P_IPV6))
		PASS(PASS_NOT_IP);
	__u32 l2 = c->uplink_l2_len;
#endif
	if (l2 != 0 && l2 != ETH_HLEN)
		PASS(PASS_NOT_IP);

	struct ip6 h;
	__u8 l4[20];
	if (bpf_skb_load_bytes(skb, l2, &h, IP6_LEN))
		PASS(PASS_MALFORMED);
	if ((h.vtc >> 4) != 6)
		PASS(PASS_NOT_IP);
	/* Native IPv6 for the LAN and the router is most of what arrives here and none of the CLAT's business:
	 * it leaves first, without even a counter. */
	__u32 d4;
	if (h.dst[0] == 0xff || map_local(c, h.dst, &d4))
		return TC_NEXT; /* multicast (ND, MLD) is never the core's to translate either */
	__u32 plen = bpf_ntohs(h.plen);
	/* The whole skb is the packet: a jumbogram (plen 0) or trailing bytes go the core's way. */
	if (l2 + IP6_LEN + plen != skb->len)
		PASS(PASS_MALFORMED);
	/* RFC 7915 §5.1: extension headers (and the fragment header) are the core's; so is anything else. */
	__u8 nh = h.nexthdr;
	if (nh != IPPROTO_TCP && nh != IPPROTO_UDP && nh != IPPROTO_ICMPV6)
		PASS(nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 51 ? PASS_OPTIONS : PASS_PROTOCOL);
	__u32 l4_need = nh == IPPROTO_TCP ? 20 : 8;
	if (plen < l4_need)
		PASS(PASS_MALFORMED);
	if (bpf_skb_load_bytes(skb, l2 + IP6_LEN, l4, l4_need == 20 ? 20 : 8))
		PASS(PASS_MALFORMED);
	if (nh == IPPROTO_ICMPV6 && l4[0] != 128 && l4[0] != 129)
		PASS(PASS_PROTOCOL); /* errors, ND, MLD: RFC 7915 §5.2, the core's */
	if (nh == IPPROTO_UDP && l4[6] == 0 && l4[7] == 0)
		PASS(PASS_UDP_ZERO_CSUM); /* RFC 8200 §8.1: invalid in IPv6; the core counts the drop */

	/* Addresses: multicast and the unspecified/loopback sources are the core's drops. */
	if (h.src[0] == 0xff)
		PASS(PASS_ADDRESS);
	__u32 s4;
	if (map_remote(c, h.src, &s4))
		PASS(PASS_ADDRESS);
	/* RFC 7915 §5.1, RFC 1122 §3.2.1.3, RFC 3927 §2.7: IPv4 forms no router forwards are the core's drops. */
	if (unforwardable4(s4) || unforwardable4(d4))
		PASS(PASS_ADDRESS);
	/* RFC 7915 §5.1: the translator is a router; hop limit 1 gets Time Exceeded from the core. */
	if (h.hop <= 1)
		PASS(PASS_TTL);

	/* Size (RFC 7915 §5.1, §5.1.1): a super-packet goes by one segment, the kernel cuts it later. */
	__u32 segs = 1;
	__u32 seg_total = IP4_LEN + plen;
	__u32 l4_hdr = 0;
	if (skb->gso_size) {
		if (nh != IPPROTO_TCP)
			PASS(PASS_GSO);
		l4_hdr = (l4[12] >> 4) * 4;
		if (l4_hdr < 20 || l4_hdr >= plen)
			PASS(PASS_GSO);
		__u32 data = plen - l4_hdr;
		segs = (data + skb->gso_size - 1) / skb->gso_size;
		seg_total = IP4_LEN + l4_hdr + skb->gso_size;
		if (seg_total > IP4_LEN + plen)
			seg_total = IP4_LEN + plen;
	}
	if (IP4_LEN + plen > 65535 || seg_total > c->ipv4_mtu)
		PASS(PASS_TOO_BIG); /* Packet Too Big, or fragments, from the core */

	/* The IPv4 header (RFC 7915 §5.1): TOS from the traffic class, DF above 1260 bytes, TTL decremented. */
	struct ip4 o = {};
	o.vihl = 0x45;
	o.tos = (h.vtc << 4) | (h.tcfl >> 4);
	o.tot_len = bpf_htons(IP4_LEN + plen);
	o.frag = bpf_htons(seg_total > DF_THRESHOLD ? 0x4000 : 0);
	o.ttl = h.hop - 1;
	o.protocol = nh == IPPROTO_ICMPV6 ? IPPROTO_ICMP : nh;
	o.src = s4;
	o.dst = d4;

	/* RFC 7915 §5.5: the transport checksum loses the IPv6 pseudo-header and gains the IPv4 one (RFC 1624);
	 * ICMPv6 echo becomes ICMPv4 echo, whose checksum has no pseudo-header at all. */
	__u64 old6 = sum16(h.src) + sum16(h.dst);
	__u32 csum_off, diff, csum_flags = BPF_F_PSEUDO_HDR;
	__u8 type4 = 0;
	if (nh == IPPROTO_ICMPV6) {
		type4 = l4[0] == 128 ? 8 : 0;
		__u64 old_word = (__u32)l4[0] << 8 | l4[1];
		__u64 new_word = (__u32)type4 << 8 | l4[1];
		diff = csum_diff(old_word + old6 + plen + IPPROTO_ICMPV6, new_word);
		csum_off = 2;
	} else {
		diff = csum_diff(old6, sum4(s4) + sum4(d4));
		csum_off = nh == IPPROTO_TCP ? 16 : 6;
		if (nh == IPPROTO_UDP)
			csum_flags |= BPF_F_MARK_MANGLED_0; /* RFC 768: a computed zero is sent as all ones */
	}

	/* Point of no return after this call succeeds; if it fails the packet is as it came. */
	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IP), 0))
		PASS(PASS_HELPER);
	o.id = bpf_htons(next_ipv4_ids(segs));
	__u64 s = 0;
	const __u16 *w = (const __u16 *)&o;
#pragma unroll
	for (int i = 0; i < IP4_LEN / 2; i++)
		s += bpf_ntohs(w[i]);
	o.check = bpf_htons(~fold(s) & 0xffff);
	__u32 l4_at = l2 + IP4_LEN;
	if (bpf_skb_store_bytes(skb, l2, &o, IP4_LEN, BPF_F_RECOMPUTE_CSUM)
	    || (nh == IPPROTO_ICMPV6 && bpf_skb_store_bytes(skb, l4_at, &type4, 1, BPF_F_RECOMPUTE_CSUM))
	    || bpf_l4_csum_replace(skb, l4_at + csum_off, 0, diff, csum_flags))
		goto shot;
	if (l2 == ETH_HLEN) {
		__be16 proto = bpf_htons(ETH_P_IP);
		if (bpf_skb_store_bytes(skb, 12, &proto, 2, 0))
			goto shot;
	}
	count(dir, CNT_PACKETS, segs);
	if (skb->gso_size)
		count(dir, CNT_SUPER_PACKETS, 1);
	count(dir, CNT_BYTES, IP4_LEN + plen + (__u64)(segs - 1) * (IP4_LEN + l4_hdr));
	return bpf_redirect(c->tun_ifindex, BPF_F_INGRESS);
shot:
	count(dir, SHOT_HELPER, 1);
	return TC_ACT_SHOT;
pass:
	count(dir, slot, 1);
	return TC_NEXT;
}
