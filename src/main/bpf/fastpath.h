/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * jclat kernel fast path: what both TC programs share — the config and counter maps (read by
 * net.jclat.fastpath.FastPathConfig / FastPathCounters, so every layout here is mirrored there), the RFC 6052
 * address format and the RFC 1071/1624 checksum arithmetic.
 *
 * The Java core (net.jclat.xlat) is the specification. A program takes a packet only when it can produce
 * exactly what the core would; every other packet returns TC_NEXT untouched and takes the TUN path.
 */
#ifndef JCLAT_FASTPATH_H
#define JCLAT_FASTPATH_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/*
 * Legacy-style map definitions in section "maps": jclat's own loader (FastPathObject) reads them without BTF.
 * libbpf 1.x no longer reads this form; jclat does not use libbpf.
 */
struct jclat_map_def {
	__u32 type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
};

/* config flags */
#define CFG_HAS_CLAT       (1u << 0) /* nat44: one CLAT IPv4 address <-> one CLAT IPv6 address */
#define CFG_HAS_DEDICATED  (1u << 1) /* prefix mode: an IPv4 prefix embedded (RFC 6052) in an IPv6 prefix */
#define CFG_IGNORE_TOS     (1u << 2) /* IPv6 traffic class 0 instead of the TOS (RFC 7915 §4.1) */
#define CFG_WKP_RULE       (1u << 3) /* RFC 6052 §3.1: no non-global IPv4 in 64:ff9b::/96 */
#define CFG_UPLINK_NEIGH   (1u << 4) /* uplink has a link layer: bpf_redirect_neigh (else plain redirect) */
#define CFG_INGRESS_DEFERS (1u << 5) /* other tc filters on the uplink's ingress (SQM's ifb): the ingress program
                                       * translates nothing, so downstream packets meet them first (TUN path) */

/*
 * The one configuration value: element 0 of a one-element array (config_value's layout), itself element 0 of the
 * array of maps `config`. The loader never writes a value a program may be reading: each configuration goes into
 * a new inner array, and one BPF_MAP_UPDATE_ELEM on `config` swaps the pointer; the kernel drops the old inner map
 * only after an RCU grace period, and programs run under RCU, so a program sees the old configuration or the new
 * one, never a mix. Both lookups are arrays, which the verifier inlines: a hash lookup (the earlier way to get the
 * same swap) cost 80-95 ns more per packet and program (docs/benchmarks.md). No inner map: every packet passes.
 */
struct clat_config {
	__u32 flags;
	__u32 tun_ifindex;
	__u32 uplink_ifindex;
	__u16 ipv4_mtu;        /* next-hop MTU on the IPv4 side (XlatConfig.ipv4Mtu) */
	__u16 ipv6_mtu;        /* next-hop MTU on the IPv6 side: min(XlatConfig.ipv6Mtu, the uplink's MTU) */
	__u16 lowest_ipv6_mtu; /* DF=0 packets above this take the TUN path, which fragments (RFC 7915 §4.1) */
	__u8 pref64_len;       /* 32, 40, 48, 56, 64 or 96 */
	__u8 dedicated6_len;   /* the same lengths, for the dedicated prefix */
	__u8 dedicated4_len;   /* 0..32 */
	__u8 tun_l2_len;       /* bytes before the IP header on the TUN: 0 (BPF_PROG_TEST_RUN feeds 14) */
	__u8 uplink_l2_len;    /* 14 on Ethernet, 0 on a raw-IP uplink */
	__u8 pad;
	__u8 pref64[16];
	__u8 clat6[16];
	__u8 dedicated6[16];
	__u32 clat4;           /* network byte order */
	__u32 dedicated4;      /* network byte order, host bits zero */
};

/* Counters: per-CPU u64, index = direction * CNT_PER_DIR + slot. */
#define DIR_6TO4 0 /* uplink ingress */
#define DIR_4TO6 1 /* TUN egress */
#define CNT_PER_DIR 16
enum counter_slot {
	CNT_PACKETS = 0,     /* translated and redirected (a super-packet counts as its segments) */
	CNT_BYTES,           /* their bytes as translated, each segment's headers counted (as on the wire) */
	PASS_NO_CONFIG,      /* the loader has written no configuration */
	PASS_NOT_IP,         /* another protocol, or a version nibble that disagrees */
	PASS_MALFORMED,      /* length fields, IPv4 header checksum */
	PASS_OPTIONS,        /* IPv4 options, IPv6 extension headers (incl. fragment headers) */
	PASS_FRAGMENT,       /* an IPv4 fragment */
	PASS_PROTOCOL,       /* not TCP, UDP or ICMP echo (ICMP errors, other ICMP, other protocols) */
	PASS_UDP_ZERO_CSUM,  /* UDP without checksum (RFC 7915 §4.5) */
	PASS_ADDRESS,        /* an address outside the mapping, multicast, non-global with the WKP */
	PASS_TTL,            /* TTL / hop limit would expire (the TUN path answers Time Exceeded) */
	PASS_TOO_BIG,        /* above an MTU: ICMP error or fragmentation on the TUN path */
	PASS_GSO,            /* a super-packet the program does not take (only TCP ones are taken) */
	PASS_HELPER,         /* bpf_skb_change_proto refused: packet untouched */
	SHOT_HELPER,         /* a helper failed after the packet was changed: dropped */
	CNT_SUPER_PACKETS,   /* GSO/GRO super-packets among the translated ones (each counted once) */
	CNT_SLOTS
};
#define CNT_ENTRIES (2 * CNT_PER_DIR)

#define IPV4_ID_ENTRIES 1

/* The inner map's layout; the loader creates `config` with it as the template (inner_map_fd). */
struct jclat_map_def config_value SEC("maps") = {
	.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = sizeof(struct clat_config), .max_entries = 1,
};
struct jclat_map_def config SEC("maps") = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS, .key_size = 4, .value_size = 4, .max_entries = 1,
};
struct jclat_map_def counters SEC("maps") = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY, .key_size = 4, .value_size = 8, .max_entries = CNT_ENTRIES,
};
/* IPv4 identification of translated packets: a counter per CPU, as the core keeps one per worker. */
struct jclat_map_def ipv4_ids SEC("maps") = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY, .key_size = 4, .value_size = 4, .max_entries = IPV4_ID_ENTRIES,
};

static __always_inline const struct clat_config *get_config(void)
{
	__u32 key = 0;
	void *inner = bpf_map_lookup_elem(&config, &key);
	if (!inner)
		return 0;
	return bpf_map_lookup_elem(inner, &key);
}

static __always_inline void count(int dir, int slot, __u64 n)
{
	__u32 key = dir * CNT_PER_DIR + slot;
	__u64 *v = bpf_map_lookup_elem(&counters, &key);
	if (v)
		*v += n;
}

/* "Not mine": TC_ACT_UNSPEC, which is TCX_NEXT. Under TCX, TC_ACT_OK is TCX_PASS and ends the hook: the TCX
 * programs after ours and every classic tc filter on the device (sch_handle_ingress runs those after TCX) would
 * never see the packet — SQM's ingress redirect to its ifb among them, so the uplink's downstream shaping
 * would stop for all traffic. A cls_bpf filter in direct-action mode reads it as "continue with the next
 * filter" (net/sched/cls_bpf.c), so the same value is right on both hooks. */
#define TC_NEXT TC_ACT_UNSPEC

/* Leaves the packet to the TUN path, counted: every such exit jumps to the program's one `pass:` label, so the
 * counter update exists once in the program rather than once per reason. */
#define PASS(s) do { slot = (s); goto pass; } while (0)

/* ---- RFC 1071 / RFC 1624 --------------------------------------------------------------------------- */

static __always_inline __u32 fold(__u64 s)
{
	s = (s & 0xffffffffULL) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u32)s;
}

/*
 * Addresses are handled as four 32-bit words, not sixteen bytes: the programs' cost at one packet per 50 ms is
 * mostly instruction-cache misses, so fewer instructions on the taken path is the saving (docs/benchmarks.md,
 * "Fast path: cold cost"). Every 16-byte address a program touches is 4-byte aligned (config, stack copies).
 */
static __always_inline __u32 word(const __u8 *a, int i)
{
	__u32 w;
	__builtin_memcpy(&w, (const __u8 *)__builtin_assume_aligned(a, 4) + 4 * i, 4);
	return w; /* network order */
}

static __always_inline void put_word(__u8 *a, int i, __u32 w)
{
	__builtin_memcpy((__u8 *)__builtin_assume_aligned(a, 4) + 4 * i, &w, 4);
}

/* Sum of a 16-byte address as 16-bit big-endian words. */
static __always_inline __u64 sum16(const __u8 *a)
{
	__u64 s = 0;
#pragma unroll
	for (int i = 0; i < 4; i++) {
		__u32 h = bpf_ntohl(word(a, i));
		s += (h >> 16) + (h & 0xffff);
	}
	return s;
}

static __always_inline __u64 sum4(__u32 be)
{
	__u32 h = bpf_ntohl(be);
	return (h >> 16) + (h & 0xffff);
}

/*
 * The difference to hand bpf_l4_csum_replace (size 0): it computes ~(diff + ~HC), RFC 1624 eqn. 3 with
 * diff = ~m + m', the same arithmetic as Checksum.adjust in the core. The kernel sums 16-bit words as they lie
 * in memory, so the big-endian sum computed here is handed over in network order (a one's-complement sum is
 * the same under a byte swap, RFC 1071 §2(B)).
 */
static __always_inline __u32 csum_diff(__u64 old_sum, __u64 new_sum)
{
	return bpf_htons((__u16)fold((~fold(old_sum) & 0xffff) + fold(new_sum)));
}

/* ---- RFC 6052 §2.2 address format -------------------------------------------------------------------- */

/* The first (lo = 0) or second (lo = 1) half of an address as a number. */
static __always_inline __u64 half(const __u8 *a, int lo)
{
	return (__u64)bpf_ntohl(word(a, 2 * lo)) << 32 | bpf_ntohl(word(a, 2 * lo + 1));
}

/* The top `bits` bits of a half (0..64 and beyond: saturates). */
static __always_inline __u64 mask64(__u32 bits)
{
	return bits == 0 ? 0 : bits >= 64 ? ~0ULL : ~(~0ULL >> bits);
}

/* True when the first len/8 bytes of a equal those of prefix (suffix and u octet are not checked, §2.2). */
static __always_inline int in_prefix(const __u8 *a, const __u8 *prefix, __u32 len)
{
	__u32 bits = len & ~7u;
	return (((half(a, 0) ^ half(prefix, 0)) & mask64(bits))
		| ((half(a, 1) ^ half(prefix, 1)) & mask64(bits > 64 ? bits - 64 : 0))) == 0;
}

static __always_inline int rfc6052_len(__u32 len)
{
	return len == 32 || len == 40 || len == 48 || len == 56 || len == 64 || len == 96;
}

/* The IPv4 address (network order) embedded at the RFC 6052 position for a prefix of len bits. */
static __always_inline int extract4(const __u8 *a, __u32 len, __u32 *out)
{
	if (!rfc6052_len(len))
		return -1;
	if (len == 96) {
		*out = word(a, 3);
		return 0;
	}
	/* k bytes of the address lie in the first half (bytes len/8..7), 4 - k in the second after the u octet. */
	__u32 k = 8 - len / 8, rest = 4 - k;
	__u64 hi = half(a, 0) & ((1ULL << (8 * k)) - 1);
	__u64 lo = (half(a, 1) >> (8 * (7 - rest))) & ((1ULL << (8 * rest)) - 1);
	*out = bpf_htonl((__u32)(hi << (8 * rest) | lo));
	return 0;
}

/* out = prefix (first len/8 bytes), the IPv4 address at its RFC 6052 position, u octet and suffix zero. */
static __always_inline int embed4(__u8 *out, const __u8 *prefix, __u32 len, __u32 v4)
{
	if (!rfc6052_len(len))
		return -1;
	__u64 hi = half(prefix, 0) & mask64(len), lo = half(prefix, 1) & mask64(len > 64 ? len - 64 : 0);
	__u32 h = bpf_ntohl(v4);
	if (len == 96) {
		lo |= h;
	} else {
		/* As in extract4: the first k bytes of the IPv4 address end the first half, the rest follow the u octet. */
		__u32 k = 8 - len / 8, rest = 4 - k;
		hi |= (__u64)h >> (8 * rest);
		lo |= ((__u64)h & ((1ULL << (8 * rest)) - 1)) << (8 * (7 - rest));
	}
	put_word(out, 0, bpf_htonl((__u32)(hi >> 32)));
	put_word(out, 1, bpf_htonl((__u32)hi));
	put_word(out, 2, bpf_htonl((__u32)(lo >> 32)));
	put_word(out, 3, bpf_htonl((__u32)lo));
	return 0;
}

static __always_inline int in_prefix4(__u32 a_be, __u32 prefix_be, __u32 len)
{
	__u32 mask = len == 0 ? 0 : len >= 32 ? 0xffffffffu : ~(0xffffffffu >> len);
	return (bpf_ntohl(a_be) & mask) == bpf_ntohl(prefix_be);
}

static __always_inline int same16(const __u8 *a, const __u8 *b)
{
	return ((word(a, 0) ^ word(b, 0)) | (word(a, 1) ^ word(b, 1)) | (word(a, 2) ^ word(b, 2))
		| (word(a, 3) ^ word(b, 3))) == 0;
}

/*
 * RFC 6052 §3.1: addresses that are not globally reachable (IANA special-purpose registry, multicast,
 * reserved) must not be represented with the Well-Known Prefix. The same list as NonGlobalIpv4 in the core.
 */
static __always_inline int non_global4(__u32 be)
{
	__u32 a = bpf_ntohl(be);
	__u32 first = a >> 24;
	if (first == 0 || first == 10 || first == 127 || first >= 224)
		return 1;
	if (a == 0xC0000009 || a == 0xC000000A)
		return 0; /* 192.0.0.9, 192.0.0.10: globally reachable anycast */
	return (a & 0xFFC00000) == 0x64400000 || (a & 0xFFFF0000) == 0xA9FE0000
		|| (a & 0xFFF00000) == 0xAC100000 || (a & 0xFFFFFF00) == 0xC0000000
		|| (a & 0xFFFFFF00) == 0xC0000200 || (a & 0xFFFFFF00) == 0xC0586300
		|| (a & 0xFFFF0000) == 0xC0A80000 || (a & 0xFFFE0000) == 0xC6120000
		|| (a & 0xFFFFFF00) == 0xC6336400 || (a & 0xFFFFFF00) == 0xCB007100;
}

/*
 * IPv4 addresses no router forwards, as source or destination (UnforwardableIpv4 in the core): 0/8 and 127/8
 * (RFC 1122 §3.2.1.3, RFC 1812 §5.3.7), 224/4 multicast and 240/4 (RFC 1112 §4, RFC 919, class E), 169.254/16
 * (RFC 3927 §2.7). The core drops such packets; the programs leave them to it.
 */
static __always_inline int unforwardable4(__u32 be)
{
	__u32 a = bpf_ntohl(be);
	__u32 first = a >> 24;
	return first == 0 || first == 127 || first >= 224 || (a >> 16) == 0xA9FE;
}

/* The next IPv4 identification(s) of this CPU: the first of n consecutive values (n segments of a GSO). */
static __always_inline __u16 next_ipv4_ids(__u32 n)
{
	__u32 key = 0;
	__u32 *v = bpf_map_lookup_elem(&ipv4_ids, &key);
	if (!v)
		return 0;
	__u32 first = (*v + 1) & 0xffff;
	*v = (*v + n) & 0xffff;
	return (__u16)first;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#endif
