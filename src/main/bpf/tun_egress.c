// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * TUN egress (TC): IPv4 the kernel sends into the TUN (after SNAT to the CLAT address in nat44 mode, from the
 * dedicated IPv4 prefix in prefix mode), TCP / UDP with a checksum / ICMP echo, becomes IPv6 in place
 * (RFC 7915 §4) and is redirected out of the uplink — with neighbour resolution on an Ethernet uplink
 * (bpf_redirect_neigh, Linux 5.10), plainly on a raw-IP one. Anything else returns TC_NEXT untouched and
 * reaches the TUN queue and the Java core (ICMP errors, fragments, options, zero-checksum UDP, TTL 1, DF=0
 * packets above the lowest IPv6 MTU, ...). Mirrors Ipv4ToIpv6.translate in net.jclat.xlat.
 */
#include "fastpath.h"

#define IP6_LEN 40
#define IP4_LEN 20

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

struct ip6 {
	__be32 vtcfl;
	__be16 plen;
	__u8 nexthdr;
	__u8 hop;
	__u8 src[16];
	__u8 dst[16];
};

/* Our IPv4 source as IPv6: the CLAT address, or its place in the dedicated prefix; -1 for anything else. */
static __always_inline int map_local(const struct clat_config *c, __u32 s4, __u8 *out)
{
	if ((c->flags & CFG_HAS_CLAT) && s4 == c->clat4) {
		__builtin_memcpy(out, c->clat6, 16);
		return 0;
	}
	if ((c->flags & CFG_HAS_DEDICATED) && in_prefix4(s4, c->dedicated4, c->dedicated4_len))
		return embed4(out, c->dedicated6, c->dedicated6_len, s4);
	return -1;
}

/* A remote IPv4 destination in the NAT64 prefix (RFC 6052); -1 where the core would map it otherwise. */
static __always_inline int map_remote(const struct clat_config *c, __u32 d4, __u8 *out)
{
	if ((c->flags & CFG_HAS_CLAT) && d4 == c->clat4)
		return -1;
	if ((c->flags & CFG_HAS_DEDICATED) && in_prefix4(d4, c->dedicated4, c->dedicated4_len))
		return -1;
	if ((c->flags & CFG_WKP_RULE) && non_global4(d4))
		return -1; /* RFC 6052 §3.1 */
	return embed4(out, c->pref64, c->pref64_len, d4);
}

SEC("tc")
int tun_egress(struct __sk_buff *skb)
{
	const int dir = DIR_4TO6;
	int slot; /* the pass paths share one counter update: less code (docs/benchmarks.md) */
	const struct clat_config *c = get_config();
	if (!c)
		PASS(PASS_NO_CONFIG);
	if (skb->protocol != bpf_htons(ETH_P_IP))
		PASS(PASS_NOT_IP);
	__u32 l2 = c->tun_l2_len;
	if (l2 != 0 && l2 != ETH_HLEN)
		PASS(PASS_NOT_IP);

	struct ip4 h;
	__u8 l4[20];
	if (bpf_skb_load_bytes(skb, l2, &h, IP4_LEN))
		PASS(PASS_MALFORMED);
	if ((h.vihl >> 4) != 4)
		PASS(PASS_NOT_IP);
	if ((h.vihl & 0xf) != 5)
		PASS(PASS_OPTIONS); /* RFC 7915 §4.1: options (source routes) are the core's */
	__u32 total = bpf_ntohs(h.tot_len);
	if (total < IP4_LEN || l2 + total != skb->len)
		PASS(PASS_MALFORMED);
	/* RFC 1812 §5.2.2: a corrupt header is the core's drop. */
	__u64 s = 0;
	const __u16 *w = (const __u16 *)&h;
#pragma unroll
	for (int i = 0; i < IP4_LEN / 2; i++)
		s += bpf_ntohs(w[i]);
	if (fold(s) != 0xffff)
		PASS(PASS_MALFORMED);
	__u32 frag = bpf_ntohs(h.frag);
	if (frag & 0x3fff)
		PASS(PASS_FRAGMENT); /* MF or an offset: RFC 7915 §4.1 fragment header, the core's */
	__u8 proto = h.protocol;
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP && proto != IPPROTO_ICMP)
		PASS(PASS_PROTOCOL);
	__u32 plen = total - IP4_LEN;
	__u32 l4_need = proto == IPPROTO_TCP ? 20 : 8;
	if (plen < l4_need)
		PASS(PASS_MALFORMED);
	if (bpf_skb_load_bytes(skb, l2 + IP4_LEN, l4, l4_need == 20 ? 20 : 8))
		PASS(PASS_MALFORMED);
	if (proto == IPPROTO_ICMP && l4[0] != 8 && l4[0] != 0)
		PASS(PASS_PROTOCOL); /* errors (RFC 7915 §4.2) and the rest */
	if (proto == IPPROTO_UDP && l4[6] == 0 && l4[7] == 0)
		PASS(PASS_UDP_ZERO_CSUM); /* RFC 7915 §4.5: computed or dropped by the core */

	/* Addresses no router forwards are the core's drops (RFC 7915 §4.1, RFC 1812 §5.3.7, RFC 3927 §2.7). */
	if (unforwardable4(h.src) || unforwardable4(h.dst))
		PASS(PASS_ADDRESS);
	struct ip6 o;
	if (map_local(c, h.src, o.src) || map_remote(c, h.dst, o.dst))
		PASS(PASS_ADDRESS);
	if (h.ttl <= 1)
		PASS(PASS_TTL); /* RFC 7915 §4.1: Time Exceeded from the core */

	/* Size: a super-packet goes by one segment. DF=0 above the lowest IPv6 MTU is fragmented by the core
	 * (RFC 7915 §4.1); anything above the IPv6 MTU gets Fragmentation Needed or fragments there. */
	__u32 segs = 1;
	__u32 seg_payload = plen;
	__u32 l4_hdr = 0;
	if (skb->gso_size) {
		if (proto != IPPROTO_TCP)
			PASS(PASS_GSO);
		l4_hdr = (l4[12] >> 4) * 4;
		if (l4_hdr < 20 || l4_hdr >= plen)
			PASS(PASS_GSO);
		__u32 data = plen - l4_hdr;
		segs = (data + skb->gso_size - 1) / skb->gso_size;
		seg_payload = l4_hdr + skb->gso_size;
		if (seg_payload > plen)
			seg_payload = plen;
	}
	int df = frag & 0x4000;
	if ((!df && IP6_LEN + seg_payload > c->lowest_ipv6_mtu) || IP6_LEN + seg_payload > c->ipv6_mtu)
		PASS(PASS_TOO_BIG);

	/* RFC 7915 §4.1: traffic class from TOS (or 0), flow label 0, hop limit = TTL - 1. */
	__u32 tc = (c->flags & CFG_IGNORE_TOS) ? 0 : h.tos;
	o.vtcfl = bpf_htonl(6u << 28 | tc << 20);
	o.plen = bpf_htons(plen);
	o.nexthdr = proto == IPPROTO_ICMP ? IPPROTO_ICMPV6 : proto;
	o.hop = h.ttl - 1;

	/* RFC 7915 §4.5: pseudo-header update (RFC 1624); ICMPv4 echo becomes ICMPv6 echo, whose checksum newly
	 * covers the IPv6 pseudo-header (RFC 4443 §2.3). */
	__u64 new6 = sum16(o.src) + sum16(o.dst);
	__u32 csum_off, diff, csum_flags = BPF_F_PSEUDO_HDR;
	__u8 type6 = 0;
	if (proto == IPPROTO_ICMP) {
		type6 = l4[0] == 8 ? 128 : 129;
		__u64 old_word = (__u32)l4[0] << 8 | l4[1];
		__u64 new_word = (__u32)type6 << 8 | l4[1];
		diff = csum_diff(old_word, new_word + new6 + plen + IPPROTO_ICMPV6);
		csum_off = 2;
	} else {
		diff = csum_diff(sum4(h.src) + sum4(h.dst), new6);
		csum_off = proto == IPPROTO_TCP ? 16 : 6;
		if (proto == IPPROTO_UDP)
			csum_flags |= BPF_F_MARK_MANGLED_0;
	}

	/* Point of no return once this succeeds; if it fails the packet is as it came. */
	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 0))
		PASS(PASS_HELPER);
	__u32 l4_at = l2 + IP6_LEN;
	if (bpf_skb_store_bytes(skb, l2, &o, IP6_LEN, BPF_F_RECOMPUTE_CSUM)
	    || (proto == IPPROTO_ICMP && bpf_skb_store_bytes(skb, l4_at, &type6, 1, BPF_F_RECOMPUTE_CSUM))
	    || bpf_l4_csum_replace(skb, l4_at + csum_off, 0, diff, csum_flags))
		goto shot;
	/* bpf_redirect_neigh takes an skb with a link header (net/core/filter.c, __bpf_redirect_neigh drops one
	 * whose mac header is not in front of its network header), and a TUN's has none: push a blank one, which
	 * the helper pulls again before it resolves the neighbour (its destination must not be multicast: zero).
	 * It reads nothing else of it (it goes by skb->protocol; the MAC checksum fix-up is for ingress only), so
	 * this header gets no EtherType: one helper call fewer per packet, nothing different on the wire. */
	if (l2 == 0 && (c->flags & CFG_UPLINK_NEIGH)) {
		if (bpf_skb_change_head(skb, ETH_HLEN, 0))
			goto shot;
	} else if (l2 == ETH_HLEN) {
		__be16 eth = bpf_htons(ETH_P_IPV6);
		if (bpf_skb_store_bytes(skb, 12, &eth, 2, 0))
			goto shot;
	}
	count(dir, CNT_PACKETS, segs);
	if (skb->gso_size)
		count(dir, CNT_SUPER_PACKETS, 1);
	count(dir, CNT_BYTES, IP6_LEN + plen + (__u64)(segs - 1) * (IP6_LEN + l4_hdr));
	if (c->flags & CFG_UPLINK_NEIGH)
		return bpf_redirect_neigh(c->uplink_ifindex, NULL, 0, 0);
	return bpf_redirect(c->uplink_ifindex, 0);
shot:
	count(dir, SHOT_HELPER, 1);
	return TC_ACT_SHOT;
pass:
	count(dir, slot, 1);
	return TC_NEXT;
}
